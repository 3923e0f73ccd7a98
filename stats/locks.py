"""The one lock every writer of views and visits takes first (PostgreSQL).

The triggers behind a view write lock rows in two orders: a page's day and block rows,
then its groups' rows (section, author) and the portal's day row; a visit locks the
portal's counter and the same day row. Two concurrent writes that reach these in
different orders deadlock. Every writing transaction therefore takes this
transaction-level advisory lock before any row: writers of views already queued on the
day's roll-up row, so the lock orders them without serialising more. The group trigger
(migration 0006) takes the same key for writers outside this module.
"""

from django.db import connection

WRITERS_LOCK = 7_245_010_006


def lock_writers() -> None:
    """Take the writers' lock for the current transaction (a no-op on SQLite, whose
    writers are serialised by the database itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITERS_LOCK])
