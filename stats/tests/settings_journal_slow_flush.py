"""settings_journal with the write-behind queue written only at process exit (an hour's
interval): a SIGKILL certainly finds the counted views unwritten (test_journal)."""

from .settings_journal import *  # noqa: F403

STATS_FLUSH_SECONDS = 3600
