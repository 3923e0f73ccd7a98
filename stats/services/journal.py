"""The per-process journal in Redis of counted views and visits not yet in the database.

With Redis, the Lua call that decides a beacon (stores.RedisStore.touch) also appends
the counted view or visit to this process's journal, `<prefix>journal:<id>`, in the same
atomic call: a beacon answered "counted" is in the journal, whatever happens to the
process afterwards. Each entry is "<seq> <new visit 0/1> <first view 1/0/-1> <record>",
where seq is this process's sequence number (taken before the call) and the record the
JSON of what the Hit row needs and the site key of the portal the visit belongs to.

The process's writer (batch.Writer) commits its queue to the database together with the
highest seq written (stats.JournalMark, same transaction), then pops the written entries
off the journal. A process killed before that (SIGKILL, OOM, power) leaves its journal
behind; its heartbeat key expires, and another process's writer (or `stats_cleanup`)
replays the journal with the same write, skipping entries at or below the mark: nothing
is lost and, with the mark, nothing is written twice (a crash between the commit and the
pop, or a live process taken for dead, both meet the mark).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from datetime import UTC, datetime

from .pages import CountedPage

# Pops the entries whose seq is at or below ARGV[1] off the head of the journal. Entries
# are pushed in the order their Lua calls ran, which for concurrent threads of one
# process can differ from seq order by a few places: an entry above the mark stops the
# pop and the ones behind it go with a later pop (a replay skips them by the mark).
_TRIM = """
local last = tonumber(ARGV[1])
local popped = 0
while true do
  local head = redis.call('LINDEX', KEYS[1], 0)
  if not head then break end
  if tonumber(string.match(head, '^%d+')) > last then break end
  redis.call('LPOP', KEYS[1])
  popped = popped + 1
end
return redis.call('LLEN', KEYS[1])
"""

# A replay holds this lock (seconds) on the journal it writes.
LOCK_SECONDS = 60

_identity: tuple[int, str] | None = None


def identity() -> str:
    """This process's journal id, `host:pid:random` (a new one after a fork)."""
    global _identity
    pid = os.getpid()
    if _identity is None or _identity[0] != pid:
        host = socket.gethostname()[:100]
        _identity = (pid, f"{host}:{pid}:{secrets.token_hex(4)}")
    return _identity[1]


def journal_key(prefix: str, journal: str) -> str:
    return f"{prefix}journal:{journal}"


def journals_key(prefix: str) -> str:
    """The set of journal ids that may hold entries."""
    return f"{prefix}journals"


def alive_key(prefix: str, journal: str) -> str:
    return f"{prefix}journal-alive:{journal}"


def lock_key(prefix: str, journal: str) -> str:
    return f"{prefix}journal-lock:{journal}"


def encode(
    target: CountedPage | None,
    reader: str,
    ip: str,
    user_agent: str,
    user_id: int | None,
    at: datetime,
    site_key: int,
) -> bytes:
    """The record of a beacon that may count (the script keeps it only if it does)."""
    page = (
        (None, None, None)
        if target is None
        else (target.page_id, target.hitcount_id, target.content_type_id)
    )
    record = [*page, reader, ip, user_agent[:255], user_id, at.timestamp(), site_key]
    return json.dumps(record, separators=(",", ":")).encode()


def decode(entry: bytes) -> tuple[int, bool, tuple | None, int | None]:
    """(seq, new visit, view fields or None, site key) of a journal entry; the view
    fields are (CountedPage, reader, ip, user agent, user id, time). The site key is
    None in an entry journaled before portals were counted apart (the default site's)."""
    seq, new_visit, first_view, record = entry.decode().split(" ", 3)
    fields = json.loads(record)
    site_key = fields.pop() if len(fields) > 8 else None
    page_id, hitcount_id, content_type_id, reader, ip, agent, user_id, at = fields
    view = None
    if first_view == "1" and page_id is not None:
        target = CountedPage(page_id, hitcount_id, content_type_id)
        view = (target, reader, ip, agent, user_id, datetime.fromtimestamp(at, tz=UTC))
    return int(seq), new_visit == "1", view, site_key


class Journals:
    """Redis operations on journals, for one store (client and key prefix)."""

    def __init__(self, client, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._trim = client.register_script(_TRIM)

    def beat(self, ttl: float) -> None:
        """This process is alive for `ttl` more seconds."""
        self.client.set(alive_key(self.prefix, identity()), 1, ex=max(int(ttl), 1))

    def trim(self, journal: str, last_seq: int) -> int:
        """Pop entries up to `last_seq` (written); how many entries remain."""
        return int(self._trim(keys=[journal_key(self.prefix, journal)], args=[last_seq]))

    def dead(self) -> list[str]:
        """Journals of other processes whose heartbeat has expired."""
        mine = identity()
        ids = sorted(raw.decode() for raw in self.client.smembers(journals_key(self.prefix)))
        ids = [journal for journal in ids if journal != mine]
        if not ids:
            return []
        alive = self.client.exists  # one round trip per journal: a few processes at most
        return [journal for journal in ids if not alive(alive_key(self.prefix, journal))]

    def claim(self, journal: str) -> bool:
        """Take the replay of a journal (False: another process is replaying it)."""
        key = lock_key(self.prefix, journal)
        return bool(self.client.set(key, identity(), nx=True, ex=LOCK_SECONDS))

    def release(self, journal: str) -> None:
        self.client.delete(lock_key(self.prefix, journal))

    def entries(self, journal: str) -> list[bytes]:
        return self.client.lrange(journal_key(self.prefix, journal), 0, -1)

    def forget(self, journal: str) -> None:
        """An empty journal of a dead process: drop it from the set (a process taken for
        dead that journals again adds itself back)."""
        self.client.srem(journals_key(self.prefix), journal)
