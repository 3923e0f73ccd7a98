"""Counting decisions carry their reason, as django-hitcount's do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    COUNTED = "counted"
    REPEAT = "already counted for this reader within the window"
    NO_PAGE = "no page to count"
    NO_READER = "no reader cookie"
    BOT = "crawler or bot user agent"
    BLACKLISTED_IP = "IP address is blacklisted"
    BLACKLISTED_USER_AGENT = "user agent is blacklisted"
    PREFETCH = "prefetch or prerender"
    STAFF = "staff member"
    RATE = "too many new readers from this address this minute"


@dataclass(frozen=True)
class Decision:
    counted: bool
    reason: Reason

    @classmethod
    def yes(cls) -> Decision:
        return cls(True, Reason.COUNTED)

    @classmethod
    def no(cls, reason: Reason) -> Decision:
        return cls(False, reason)

    @classmethod
    def of(cls, *, counted: bool, has_page: bool, staff: bool) -> Decision:
        """A reader's beacon once the store has decided: counted, or why not."""
        if counted:
            return cls.yes()
        if not has_page:
            return cls.no(Reason.NO_PAGE)
        if staff:
            return cls.no(Reason.STAFF)
        return cls.no(Reason.REPEAT)


@dataclass(frozen=True)
class Snapshot:
    """What the visitor widget shows."""

    online: int
    visits: int


@dataclass(frozen=True)
class BeaconResult:
    decision: Decision
    views: int | None
    snapshot: Snapshot
    new_visit: bool = False

    def as_json(self) -> dict:
        return {
            "counted": self.decision.counted,
            "reason": self.decision.reason.name.lower(),
            "views": self.views,
            "online": self.snapshot.online,
            "visits": self.snapshot.visits,
        }
