"""PostgreSQL: a rebuild fills a new table beside the live one and swaps it in.

Loading the live table makes PostgreSQL grow its GIN indexes entry by entry, which costs
more than building them once over the whole table (and gives indexes three to four times
bigger), and leaves every replaced row dead until vacuum. So the rows go into a new table
without indexes; its indexes and constraints are then built in bulk from the live table's
own definitions (read from the catalog, so they follow the migrations) and get the live
names back at the swap. The swap is one short transaction: readers use the old table
until it commits.

Building the rows is CPU-bound Python (tokenising, folding, vector literals), so
``WORKERS`` forked processes each read one range of pages and copy their rows through a
connection of their own. Pages published while the new table was filling are caught up
after the swap, by their stamps.
"""

import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection, connections, transaction
from wagtail.models import Page

from ..items import differences, indexable_ids, iter_items
from ..models import SearchEntry
from .base import Progress

TABLE = SearchEntry._meta.db_table
NEXT = f"{TABLE}_next"
AUTHORS = SearchEntry.authors.through._meta.db_table
# Two processes keep a two-core server busy (each with its PostgreSQL backend); more
# would only compete for the same cores.
WORKERS = max(1, min(2, os.cpu_count() or 1))
BATCH = 500  # pages per COPY
INDEX_MEMORY = "256MB"  # maintenance_work_mem while building the indexes: GIN sorts in it
INDEX_BUILDERS = 2  # connections building the new table's indexes at once
LOCK_KEY = 7_315_001  # pg_try_advisory_lock key held while rebuilding (one per database)

# The engine whose rows the forked workers build (inherited by fork, not pickled).
_engine = None
_done = None  # a shared counter of the pages loaded, for progress


def page_ranges(workers: int) -> list[tuple[int | None, int | None]]:
    """``workers`` ranges of page ids (start included, stop excluded) with as many
    indexable pages each; the first and last are open, so no page is outside them."""
    ids = indexable_ids()
    if workers <= 1 or len(ids) < workers * BATCH:
        return [(None, None)]
    bounds = [ids[len(ids) * n // workers] for n in range(1, workers)]
    return list(zip([None, *bounds], [*bounds, None], strict=True))


def _load(task: tuple) -> tuple[int, set[str], list[tuple]]:
    """One worker: copy the rows of one range of pages (read ``chunk_size`` at a time)
    into the new table; returns (entries, their syllables, (entry, author) pairs)."""
    pk_range, chunk_size = task
    count, words, authors = 0, set(), []
    try:
        batch = []
        for item in iter_items(pk_range=pk_range, chunk_size=chunk_size):
            batch.append(item)
            if len(batch) >= BATCH:
                count += _copy(batch, words, authors)
                batch = []
        if batch:
            count += _copy(batch, words, authors)
    finally:
        connections.close_all()
    return count, words, authors


def _copy(items, words: set[str], authors: list[tuple]) -> int:
    batch = _engine.prepare(items)
    _engine.insert(batch.entries, table=NEXT)
    words.update(batch.words)
    authors.extend((row.searchentry_id, row.author_id) for row in batch.authors)
    with _done.get_lock():
        _done.value += len(batch.entries)
    return len(batch.entries)


def _init(counter) -> None:
    global _done
    _done = counter


def _load_all(tasks: list[tuple], progress: Progress) -> list[tuple]:
    """Run ``_load`` over the tasks in forked processes, reporting progress meanwhile."""
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    if len(tasks) == 1:
        _init(counter)
        return [_load(tasks[0])]
    # A forked child must not share the parent's connections.
    connections.close_all()
    with context.Pool(len(tasks), initializer=_init, initargs=(counter,)) as pool:
        pending = pool.map_async(_load, tasks)
        while not pending.ready():
            pending.wait(1)
            if progress:
                progress(counter.value)
        return pending.get()


def _definitions(cursor) -> tuple[list, list, list]:
    """What the live table has beside its columns and CHECK constraints:

    * its indexes: (name, ``UNIQUE INDEX`` or ``INDEX``, the definition from ``USING``
      on, the primary key or unique constraint it backs or "", that constraint's type);
    * its foreign keys: (name, definition);
    * the foreign keys of other tables to it: (table, name, definition).
    """
    cursor.execute(
        "SELECT ci.relname, i.indisunique, pg_get_indexdef(i.indexrelid), "
        "coalesce(c.conname, ''), coalesce(c.contype, '') "
        "FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
        "AND c.contype IN ('p', 'u') WHERE i.indrelid = %s::regclass ORDER BY ci.relname",
        [TABLE],
    )
    indexes = [
        (name, ("UNIQUE " if unique else "") + "INDEX", definition.split(" USING ", 1)[1], *con)
        for name, unique, definition, *con in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [TABLE],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [TABLE],
    )
    return indexes, foreign_keys, cursor.fetchall()


def _create_index(statement: str) -> None:
    """One CREATE INDEX, on this thread's own connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{INDEX_MEMORY}'")
            cursor.execute(statement)
    finally:
        connection.close()


def _build_indexes(indexes, foreign_keys) -> list[tuple[str, str, bool]]:
    """Build the live table's indexes and constraints on the new table under temporary
    names; returns (temporary name, live name, is a constraint)."""
    statements, renames, attach = [], [], []
    for n, (name, kind, tail, constraint, kind_code) in enumerate(indexes):
        temporary = f"{NEXT}_i{n}"
        statements.append(f"CREATE {kind} {temporary} ON {NEXT} USING {tail}")
        if constraint:
            key = "PRIMARY KEY" if kind_code == "p" else "UNIQUE"
            attach.append(f"ADD CONSTRAINT {temporary} {key} USING INDEX {temporary}")
            renames.append((temporary, constraint, True))
        else:
            renames.append((temporary, name, False))
    # Each index is one backend's work: two connections build two at a time, the
    # biggest (GIN) first.
    statements.sort(key=lambda statement: " USING gin " not in statement)
    with ThreadPoolExecutor(INDEX_BUILDERS) as pool:
        list(pool.map(_create_index, statements))
    with connection.cursor() as cursor:
        # A page deleted while the table filled has no row to refer to any more.
        cursor.execute(
            f"DELETE FROM {NEXT} n WHERE NOT EXISTS "  # noqa: S608 - model table names
            f"(SELECT 1 FROM {Page._meta.db_table} p WHERE p.id = n.page_id)"
        )
        for n, (name, definition) in enumerate(foreign_keys):
            temporary = f"{NEXT}_f{n}"
            attach.append(f"ADD CONSTRAINT {temporary} {definition}")
            renames.append((temporary, name, True))
        if attach:
            cursor.execute(f"ALTER TABLE {NEXT} {', '.join(attach)}")
    return renames


def _swap(renames, referencing, authors: list[tuple], words: set[str], engine) -> None:
    """Put the new table in the live one's place, with its author rows and vocabulary."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {AUTHORS}")  # noqa: S608 - model table names
        for table, name, _ in referencing:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(f"ALTER TABLE {NEXT} RENAME TO {TABLE}")
        for temporary, name, is_constraint in renames:
            if is_constraint:
                cursor.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {temporary} TO {name}")
            else:
                cursor.execute(f"ALTER INDEX {temporary} RENAME TO {name}")
        for table, name, definition in referencing:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        with cursor.copy(f"COPY {AUTHORS} (searchentry_id, author_id) FROM STDIN") as copy:
            for row in authors:
                copy.write_row(row)
        engine.replace_vocabulary(words)


def _catch_up(engine) -> None:
    """Index again the pages published, moved or removed while the table filled."""
    missing, stale, gone = differences(engine.stamps())
    if missing or stale:
        engine.write(iter_items(page_ids=[*missing, *stale]))
    if gone:
        with transaction.atomic():
            engine.delete(gone)


class RebuildRunning(RuntimeError):
    """Another rebuild of the database index holds the lock: both would fill one table."""


@contextmanager
def _only_rebuild():
    """Hold a session advisory lock on a connection of its own (the workers are forked
    after Django's connections are closed, which would release a lock taken on them)."""
    lock = connection.get_new_connection(connection.get_connection_params())
    try:
        lock.autocommit = True
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RebuildRunning("another rebuild of the database index is running")
        yield
    finally:
        lock.close()


def rebuild(
    engine, progress: Progress = None, chunk_size: int = 1000, workers: int = WORKERS
) -> int:
    """Replace the live table with one filled by ``workers`` processes; returns the
    entries of the new index."""
    with _only_rebuild():
        _fill_and_swap(engine, progress, chunk_size, workers)
        _catch_up(engine)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    count = SearchEntry.objects.count()
    if progress:
        progress(count)
    return count


def _fill_and_swap(engine, progress: Progress, chunk_size: int, workers: int) -> None:
    global _engine
    _engine = engine
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEXT}")  # left by a rebuild that failed
        # CHECK constraints come along (with their names); the others are built later.
        cursor.execute(
            f"CREATE TABLE {NEXT} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING STORAGE INCLUDING COMPRESSION)"
        )
        indexes, foreign_keys, referencing = _definitions(cursor)
    try:
        tasks = [(pk_range, chunk_size) for pk_range in page_ranges(workers)]
        loaded = _load_all(tasks, progress)
        renames = _build_indexes(indexes, foreign_keys)
        words = set().union(*(found for _, found, _ in loaded))
        authors = [pair for _, _, pairs in loaded for pair in pairs]
        _swap(renames, referencing, authors, words, engine)
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {NEXT}")
        raise
    finally:
        _engine = None
