"""The test settings with short journal heartbeats, so a killed process's journal is
replayed by another process within about two seconds (test_journal)."""

from portal.settings.test import *  # noqa: F403

STATS_JOURNAL_TTL_SECONDS = 2
STATS_RECOVER_SECONDS = 0.5
