"""No secret is committed, and production refuses to start with a default secret."""

import re
import subprocess

import pytest

from tests.test_settings import REPO, load_production

pytestmark = pytest.mark.embedded

SECRET_FILES = re.compile(
    r"(^|/)(\.env(\..*)?|\.dev-secret-key|id_rsa|id_ed25519|.*\.pem|.*\.key|.*\.p12|"
    r".*\.sqlite3|db\.sqlite3)$"
)
SECRET_TEXT = [
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"gh[pousr]_[A-Za-z0-9]{36}"),
    re.compile(r"xox[abp]-[A-Za-z0-9-]{10,}"),
    # A literal SECRET_KEY of real length in code (settings read it from the environment).
    re.compile(r"SECRET_KEY\s*=\s*[\"'][^\"']{30,}[\"']"),
    re.compile(r"postgres(?:ql)?://[^:/\s\"']+:(?P<password>[^@\s\"']+)@"),
    re.compile(r"redis://[^:/\s\"']*:(?P<password>[^@\s\"']+)@"),
]
# Example files show where a password goes, never a password.
PLACEHOLDER = re.compile(r"^(PASSWORD|CHANGE[-_]?ME|<[^>]+>|\$\{?\w+\}?|\.\.\.|x+|\*+)$", re.I)


def tracked_files():
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    return [name for name in out.split("\0") if name]


def test_no_secret_files_are_tracked():
    assert [name for name in tracked_files() if SECRET_FILES.search(name)] == []


def test_no_secrets_in_tracked_text():
    found = []
    for name in tracked_files():
        path = REPO / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for pattern in SECRET_TEXT:
            for match in pattern.finditer(text):
                if PLACEHOLDER.match(match.groupdict().get("password") or "-"):
                    continue
                found.append(f"{name}: {match.group(0)[:40]}")
    assert found == []


def test_local_secrets_are_ignored_by_git():
    for name in (".dev-secret-key", ".env", "db.sqlite3", "media/x.jpg"):
        result = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO)
        if name == ".env":
            continue  # not required, but never committed (checked above)
        assert result.returncode == 0, name


@pytest.mark.parametrize(
    "secret",
    [
        "test-only-not-secret",  # the test suite's key
        "change-me-" + "x" * 40,
        "django-insecure-" + "y" * 40,
        "short-but-random-Vq3xT9",
    ],
)
def test_production_refuses_default_or_weak_secrets(secret):
    result = load_production(SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
