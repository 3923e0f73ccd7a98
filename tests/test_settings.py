"""Secure by default: production refuses to start without its configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.embedded
REPO = Path(__file__).resolve().parent.parent
GOOD = {
    "SECRET_KEY": "k" * 10 + "Vq3xT9pL2mN8rB5wZ7yC4hJ6dF1gK0sA",
    "ALLOWED_HOSTS": "portal.example.vn",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "MEDIA_ROOT": "/srv/portal/media",
}


def load_production(**overrides):
    env = {k: v for k, v in os.environ.items() if k not in GOOD}
    env.update(GOOD)
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_starts_with_its_configuration():
    result = load_production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"]
)
def test_production_refuses_to_start_without(name):
    result = load_production(**{name: None})
    assert result.returncode != 0
    assert f"{name} is required" in result.stderr


def test_production_refuses_a_default_secret():
    result = load_production(SECRET_KEY="django-insecure-" + "x" * 40)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_base_settings_are_secure():
    from portal.settings import base

    assert base.DEBUG is False
    assert base.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert base.LANGUAGE_CODE == "vi"
