"""The beacon's Redis call (redis-py, as stats.services.stores configures it) against
servers that hang or hang up: a beacon must never wait longer than the configured
timeout, and every failure is a RedisError the circuit breaker understands."""

import socket
import threading
import time

import pytest
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from stats.services.sites import Portal
from stats.services.stores import RedisStore


@pytest.fixture
def server():
    """A TCP server on 127.0.0.1 that accepts and then does what `behaviour` says."""
    listener = socket.create_server(("127.0.0.1", 0))
    state = {"behaviour": "hang", "conns": []}

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            state["conns"].append(conn)
            if state["behaviour"] == "close":
                conn.recv(65536)
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], state
    # close() alone does not wake a thread blocked in accept(); shutdown() does.
    listener.shutdown(socket.SHUT_RDWR)
    listener.close()
    thread.join(5)
    assert not thread.is_alive(), "the fake server's thread did not stop"
    for conn in state["conns"]:
        conn.close()


def touch(port: int, settings, timeout: float):
    """One beacon's decision, as a reader's first view of the home page asks Redis."""
    settings.STATS_REDIS_SOCKET_TIMEOUT = timeout
    store = RedisStore(f"redis://127.0.0.1:{port}/0", "stats-timeouts:")
    return store.touch("a" * 32, None, timezone.now(), Portal(1))


def test_a_hung_server_times_out(server, settings):
    port, _ = server
    started = time.monotonic()
    with pytest.raises(RedisTimeoutError):
        touch(port, settings, timeout=0.3)
    assert 0.25 <= time.monotonic() - started < 2


def test_a_server_hanging_up_is_a_connection_error(server, settings):
    port, state = server
    state["behaviour"] = "close"
    with pytest.raises(RedisConnectionError):
        touch(port, settings, timeout=2)


def test_no_server_is_a_connection_error(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RedisConnectionError):
        touch(port, settings, timeout=0.5)
