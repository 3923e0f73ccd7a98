"""One Lua script called over a plain socket: the beacon's single Redis round trip.

redis-py spends about 0.1 ms of CPU per call packing the command, taking a pooled
connection and parsing the reply in Python; this sends `EVALSHA` as prebuilt bytes and
parses the small RESP2 reply of our own script, about a quarter of that. Everything else
(the page render's pipeline, the mirrors' Lua, maintenance) stays on redis-py.

Only plain TCP URLs are served here (`redis://[user:password@]host:port/db`); TLS or
Unix-socket URLs return None from `for_url` and the caller keeps redis-py. Errors are
redis-py's exceptions (ConnectionError, TimeoutError, ResponseError), so the circuit
breaker in stores treats both clients alike. One socket per thread and per process
(gunicorn forks after loading the app: a socket made before the fork is never reused).
"""

from __future__ import annotations

import errno
import hashlib
import os
import select
import socket
import struct
import threading

import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError


class _Incomplete(Exception):
    pass


def _encode(parts: list[bytes]) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%s\r\n" % (len(part), part))
    return b"".join(out)


def _parse(buf: bytes | bytearray, pos: int = 0):
    """(value, next position) of one RESP2 reply; _Incomplete if more bytes are needed."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise _Incomplete
    kind, line = buf[pos : pos + 1], buf[pos + 1 : end]
    pos = end + 2
    if kind == b":":
        return int(line), pos
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, pos
        if len(buf) < pos + size + 2:
            raise _Incomplete
        return bytes(buf[pos : pos + size]), pos + size + 2
    if kind == b"*":
        size = int(line)
        if size < 0:
            return None, pos
        items = []
        for _ in range(size):
            item, pos = _parse(buf, pos)
            items.append(item)
        return items, pos
    if kind == b"+":
        return bytes(line), pos
    if kind == b"-":
        return ResponseError(bytes(line).decode(errors="replace")), pos
    raise RedisConnectionError(f"unexpected reply from Redis: {bytes(buf[:40])!r}")


class ScriptCaller:
    """Call one Lua script: `caller(keys, args)` returns the script's reply."""

    def __init__(self, host: str, port: int, db: int, auth: list[bytes], script: str, timeout):
        self.address = (host, port)
        self.db = db
        self.auth = auth
        self.script = script.encode()
        self.sha = hashlib.sha1(self.script, usedforsecurity=False).hexdigest().encode()
        self.timeout = timeout
        self._local = threading.local()

    @classmethod
    def for_url(cls, url: str, script: str, timeout: float) -> ScriptCaller | None:
        pool = redis.ConnectionPool.from_url(url)
        if pool.connection_class is not redis.Connection:
            return None  # TLS or a Unix socket: redis-py serves those
        kwargs = pool.connection_kwargs
        auth = []
        if kwargs.get("password"):
            auth = [b"AUTH"]
            if kwargs.get("username"):
                auth.append(str(kwargs["username"]).encode())
            auth.append(str(kwargs["password"]).encode())
        host, port = kwargs.get("host", "localhost"), int(kwargs.get("port", 6379))
        return cls(host, port, int(kwargs.get("db") or 0), auth, script, timeout)

    # -- the socket -------------------------------------------------------------------

    def _socket(self) -> socket.socket:
        local = self._local
        sock = getattr(local, "sock", None)
        if sock is not None and local.pid == os.getpid():
            # Nothing may be waiting on an idle connection: readable means the server
            # closed it (restarted, timed out the client), so connect again, as
            # redis-py's pool does, instead of failing the next call.
            if not local.poller.poll(0):
                return sock
            self.close()
        try:
            sock = socket.create_connection(self.address, timeout=self.timeout)
        except TimeoutError as exc:
            raise RedisTimeoutError(f"connecting to Redis: {exc}") from exc
        except OSError as exc:
            raise RedisConnectionError(f"connecting to Redis: {exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A blocking socket with the kernel's timeouts: Python's own timeout polls the
        # socket before every send and receive (two more system calls per beacon).
        seconds = float(self.timeout or 0)
        if seconds > 0:
            whole = int(seconds)
            timeval = struct.pack("ll", whole, int((seconds - whole) * 1_000_000))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        sock.settimeout(None)
        local.sock, local.pid, local.buf = sock, os.getpid(), bytearray()
        local.poller = select.poll()
        local.poller.register(sock, select.POLLIN)
        try:
            if self.auth:
                self._checked(self._roundtrip(_encode(self.auth)))
            if self.db:
                self._checked(self._roundtrip(_encode([b"SELECT", b"%d" % self.db])))
        except BaseException:
            self.close()
            raise
        return sock

    def close(self) -> None:
        sock = getattr(self._local, "sock", None)
        self._local.sock = None
        if sock is not None and self._local.pid == os.getpid():
            sock.close()

    def _roundtrip(self, command: bytes):
        local = self._local
        sock = local.sock
        try:
            sock.sendall(command)
            buf = local.buf
            while True:
                if buf:
                    try:
                        value, used = _parse(buf)
                    except _Incomplete:
                        pass
                    else:
                        del buf[:used]
                        return value
                chunk = sock.recv(65536)
                if not chunk:
                    raise RedisConnectionError("Redis closed the connection")
                buf += chunk
        except OSError as exc:
            self.close()
            if isinstance(exc, TimeoutError) or exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                raise RedisTimeoutError(f"Redis did not answer in {self.timeout}s") from exc
            raise RedisConnectionError(f"Redis connection failed: {exc}") from exc
        except RedisConnectionError:
            self.close()
            raise

    @staticmethod
    def _checked(value):
        if isinstance(value, ResponseError):
            raise value
        return value

    # -- the call ---------------------------------------------------------------------

    def __call__(self, keys: list[bytes], args: list[bytes]):
        self._socket()
        tail = [b"%d" % len(keys), *keys, *args]
        value = self._roundtrip(_encode([b"EVALSHA", self.sha, *tail]))
        if isinstance(value, ResponseError) and str(value).startswith("NOSCRIPT"):
            # First call on this server (or after SCRIPT FLUSH / a restart): EVAL loads it.
            value = self._roundtrip(_encode([b"EVAL", self.script, *tail]))
        return self._checked(value)
