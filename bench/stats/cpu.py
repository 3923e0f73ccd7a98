"""CPU seconds used so far by the benchmark's processes (load-independent cost):

    python bench/stats/cpu.py GUNICORN_PID  ->  "app database redis" (seconds)

app: the gunicorn master's workers; database: the PostgreSQL cluster of
scripts/services.sh (postmaster, live backends, and exited children it reaped);
redis: redis-server's own used_cpu_user + used_cpu_sys.
"""

import contextlib
import os
import socket
import sys
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _fields(pid: int) -> list[str]:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2 :].split()


def _cpu(pid: int, reaped: bool = False) -> float:
    fields = _fields(pid)  # fields[11:15] = utime stime cutime cstime
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICK


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _tree(pid: int) -> float:
    total = _cpu(pid, reaped=True)
    for child in _children(pid):
        with contextlib.suppress(FileNotFoundError):  # exited meanwhile
            total += _cpu(child)
    return total


def _redis(url: str) -> float:
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"INFO cpu\r\n")
        data = b""
        while b"used_cpu_user:" not in data or not data.endswith(b"\r\n"):
            data += sock.recv(65536)
    info = dict(
        line.split(":", 1) for line in data.decode().splitlines() if ":" in line and line[0] != "#"
    )
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def main() -> None:
    gunicorn = int(sys.argv[1])
    app = sum(_cpu(worker) for worker in _children(gunicorn))
    data = Path(os.environ["SERVICES_POSTGRES_DATA"]) / "postmaster.pid"
    database = _tree(int(data.read_text().split()[0]))
    print(f"{app:.2f} {database:.2f} {_redis(os.environ['REDIS_URL']):.2f}")


if __name__ == "__main__":
    main()
