"""Real processes for the restart tests: gunicorn with 2 sync workers and redis-server."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(check, what: str, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready after {limit}s")


class Process:
    def __init__(self, args, env, what, ready):
        self.args, self.env, self.what, self.ready = args, env, what, ready
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            self.args,
            cwd=REPO,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait(self.ready, self.what, self.process)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                # The whole group: a worker left behind would write its queue into a
                # later test's database when it notices its master gone.
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def kill(self):
        """SIGKILL the whole process group (a gunicorn master and its workers): no exit
        handler runs, as with an OOM kill or a power cut."""
        if self.process:
            # Even when the master is gone already, its workers may not be.
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def restart(self):
        self.stop()
        return self.start()


def redis_server(port: int, workdir: Path) -> Process:
    binary = shutil.which("redis-server")
    assert binary, "redis-server (Debian's redis-server package) is required"
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    args += ["--dir", str(workdir)]

    def ready():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return Process(args, dict(os.environ), "redis-server", ready)


def gunicorn(
    port: int, database_url: str, redis_url: str | None, settings: str = "portal.settings.test"
) -> Process:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DJANGO_SETTINGS_MODULE=settings, DATABASE_URL=database_url)
    if redis_url:
        env["REDIS_URL"] = redis_url
    args = [str(GUNICORN), "--workers", "2", "--worker-class", "sync"]
    args += ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "portal.wsgi:application"]

    def ready():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/stats/hit/", timeout=2)  # noqa: S310
        except urllib.error.HTTPError as error:
            return error.code == 405
        except OSError:
            return False
        return False

    process = Process(args, env, "gunicorn", ready)
    process.url = f"http://127.0.0.1:{port}"
    return process


def manage(database_url: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.test", DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
