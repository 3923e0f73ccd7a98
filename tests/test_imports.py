"""Memory per app worker: libraries a reader's request does not need are not loaded at
start-up (the worker memory goal in docs/performance.md). Checked in a fresh
interpreter, the way gunicorn's preloading master imports the app."""

import os
import subprocess
import sys

import pytest

from conftest import REPO

pytestmark = pytest.mark.embedded

PROBE = """
import sys
import portal.wsgi  # settings, apps and the whole URLconf, as gunicorn preloads them
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_packages(**env: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_no_elasticsearch_client_or_icalendar_without_need():
    packages = loaded_packages(ELASTICSEARCH_URL="")
    assert "wagtail" in packages and "search" in packages  # the probe saw the app
    assert not packages & {"elasticsearch", "elasticsearch_dsl", "elastic_transport"}
    assert "icalendar" not in packages


def test_the_elasticsearch_client_is_preloaded_when_configured():
    packages = loaded_packages(ELASTICSEARCH_URL="http://127.0.0.1:1")
    assert {"elasticsearch", "elasticsearch_dsl"} <= packages
