"""The test settings with the write-behind queue written only at process exit (an hour's
interval), for test_restarts' graceful-stop test."""

from portal.settings.test import *  # noqa: F403

STATS_FLUSH_SECONDS = 3600
