"""django-axes' database handler with one limit per lockout parameter.

Axes compares every parameter (address+user name, address alone) with the single
AXES_FAILURE_LIMIT. The portal wants a low limit for one name from one address and a
higher one for an address trying many names, so each count is scaled by its own limit
before axes compares it. Everything else (counting, cool-off, the lockout flow) is
axes'. tests/test_login_attempts.py holds it to axes' own handler where the limits agree.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _per_address_only(parameter) -> bool:
    return parameter == "ip_address" or list(parameter) == ["ip_address"]


class LoginAttemptsHandler(AxesDatabaseHandler):
    def _limit(self, parameter) -> int:
        if _per_address_only(parameter):
            return settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
        return settings.LOGIN_FAILURE_LIMIT

    def get_failures(self, request, credentials=None) -> int:
        """The failures on axes' scale: at or above AXES_FAILURE_LIMIT exactly when one
        parameter's count reached that parameter's own limit."""
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        scaled = [0]
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            scaled.append(count * limit // self._limit(parameter))
        return max(scaled)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears that name's failures from that address, not every
        failure from the address (or one valid account would reset a name-guesser)."""
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.filter_user_attempts(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            if not _per_address_only(parameter):
                count += attempts.delete()[0]
        return count
