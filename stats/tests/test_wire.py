"""The beacon's plain-socket Redis caller (stats/services/wire.py) against servers that
hang or hang up: a beacon must never wait longer than the configured timeout."""

import socket
import threading
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from stats.services.wire import ScriptCaller


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


def test_a_hung_server_times_out(server):
    port, _ = server
    caller = ScriptCaller("127.0.0.1", port, 0, [], "return 1", timeout=0.3)
    started = time.monotonic()
    with pytest.raises(RedisTimeoutError):
        caller([], [])
    assert 0.25 <= time.monotonic() - started < 2


def test_a_server_hanging_up_is_a_connection_error(server):
    port, state = server
    state["behaviour"] = "close"
    caller = ScriptCaller("127.0.0.1", port, 0, [], "return 1", timeout=2)
    with pytest.raises(RedisConnectionError):
        caller([], [])


def test_no_server_is_a_connection_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caller = ScriptCaller("127.0.0.1", port, 0, [], "return 1", timeout=0.5)
    with pytest.raises(RedisConnectionError):
        caller([], [])
