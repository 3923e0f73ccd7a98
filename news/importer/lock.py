"""One import at a time per database.

Two runs at once would both find an article missing and both write it, and would race
for the section's next tree positions. PostgreSQL: a session advisory lock, which the
server releases when the connection ends, however the run ended (SIGKILL included).
SQLite: an exclusive ``flock`` on a file beside the database, which the kernel releases
when the process ends.
"""

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext, gettext_noop, override

# A fixed key of the advisory lock space (the first 8 bytes of a hash of the name).
LOCK_NAME = "news.import_articles"
LOCK_KEY = int.from_bytes(hashlib.sha256(LOCK_NAME.encode()).digest()[:8], "big", signed=True)
REFUSED = gettext_noop(
    "Another import_articles run is importing into this database; "
    "wait until it ends, then run this one again."
)


class ImportRunning(Exception):
    """Another import holds the lock; the message says so in English and Vietnamese."""

    def __init__(self):
        # Commands run in English (Django deactivates translations for them); the
        # newsroom's operators read Vietnamese, so both are given.
        with override("vi"):
            translated = gettext(REFUSED)
        super().__init__(REFUSED if translated == REFUSED else f"{REFUSED}\n{translated}")


@contextmanager
def import_lock():
    """Held for the whole run; raises ImportRunning at once if another run holds it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise ImportRunning
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    with open(lock_file(), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportRunning from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_file() -> Path:
    name = str(connection.settings_dict["NAME"])
    if name and name != ":memory:" and "mode=memory" not in name:
        return Path(f"{name}.import-lock")
    digest = hashlib.sha256(f"{os.getpid()}{name}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"import-articles-{digest}.lock"
