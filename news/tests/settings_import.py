"""The test settings with the Elasticsearch alias taken from the environment, so that a
command run in a subprocess writes to the test's private alias (test_import_resume)."""

import os

from portal.settings.test import *  # noqa: F403
from portal.settings.test import SEARCH_ES_INDEX

SEARCH_ES_INDEX = os.environ.get("SEARCH_ES_INDEX", SEARCH_ES_INDEX)
