"""Logging filters for outages that would otherwise log once per request."""

from __future__ import annotations

import logging
import threading
import time


class OncePerInterval(logging.Filter):
    """Lets one record through per `seconds`, without its traceback, naming the cause.

    django-redis logs a full traceback for every cache call it ignores while Redis is
    down: several per request. One line per interval says the same thing; the next one
    also tells how many were held back meanwhile.
    """

    def __init__(self, seconds: float = 60, message: str = "") -> None:
        super().__init__()
        self.seconds = seconds
        self.message = message
        self._lock = threading.Lock()
        self._next = 0.0
        self._held_back = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.time()
        with self._lock:
            if now < self._next:
                self._held_back += 1
                return False
            self._next = now + self.seconds
            held_back, self._held_back = self._held_back, 0
        cause = record.exc_info[1] if record.exc_info else None
        cause = getattr(cause, "__cause__", None) or cause
        text = self.message or record.getMessage()
        if cause is not None:
            text += f" ({type(cause).__name__}: {cause})"
        text += f"; the next such message in {self.seconds:g} s at the earliest"
        if held_back:
            text += f"; {held_back} held back since the last one"
        record.msg, record.args = text, ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
