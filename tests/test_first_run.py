"""What a newcomer reads after `make run` on a fresh clone: the demo's own progress and
the administrator's account and the address at the end, not hundreds of log lines."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The commands `make run` runs before the server starts (see the Makefile's run target).
STEPS = (
    ["migrate", "--noinput"],
    ["load_demo", "--if-empty"],
    ["ensure_admin"],
)


def run_steps(tmp_path, steps=STEPS):
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "ELASTICSEARCH_URL", "LOG_LEVEL"}
    }
    environ |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    outputs = []
    for step in steps:
        completed = subprocess.run(
            [sys.executable, "manage.py", *step],
            cwd=REPO,
            env=environ,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        outputs.append(completed.stdout + completed.stderr)
    return outputs


def test_make_run_steps_print_the_demo_and_end_with_the_account(tmp_path):
    _migrate, demo, admin = run_steps(tmp_path)

    demo_lines = demo.splitlines()
    assert "Task id=" not in demo
    assert "page cache invalidated" not in demo
    assert "Page created" not in demo
    # One line per section, article and event the demo makes, and nothing else.
    assert 20 < len(demo_lines) < 40, demo
    assert all(line.startswith(("Created ", "Imported ")) for line in demo_lines), demo

    admin_lines = admin.splitlines()
    assert len(admin_lines) == 5, admin
    assert admin_lines[1].split() == ["user:", "admin"]
    assert admin_lines[2].split()[0] == "password:"
    assert len(admin_lines[2].split()[1]) >= 12
    assert admin_lines[-1].split() == ["site:", "http://127.0.0.1:8000/"]

    # A second `make run` loads nothing and creates no second account.
    demo, admin = run_steps(tmp_path, STEPS[1:])
    assert demo.splitlines() == ["The site already has content; demo content was not loaded."]
    assert "password" not in admin
    assert admin.splitlines()[-1].split() == ["site:", "http://127.0.0.1:8000/"]
