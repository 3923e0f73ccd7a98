"""Stats services: thin views call these."""

from .beacon import UnknownPage, record_beacon
from .decisions import BeaconResult, Decision, Reason, Snapshot
from .popular import PERIODS, most_read
from .widget import set_visits_start, snapshot

__all__ = [
    "PERIODS",
    "BeaconResult",
    "Decision",
    "Reason",
    "Snapshot",
    "UnknownPage",
    "most_read",
    "record_beacon",
    "set_visits_start",
    "snapshot",
]
