"""core/logs.py: an outage is logged once per interval, without a traceback per request."""

import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.logs import OncePerInterval

pytestmark = pytest.mark.embedded


@pytest.fixture
def logged():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("tests.redis_down_filter")
    logger.addHandler(handler)
    logger.propagate = False
    logger.addFilter(OncePerInterval(seconds=60, message="Redis unavailable"))
    yield logger, stream
    logger.removeHandler(handler)
    logger.filters.clear()


def fail(logger):
    try:
        try:
            raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379")
        except ConnectionRefusedError as cause:
            raise RuntimeError("connection interrupted") from cause
    except RuntimeError:
        logger.exception("Exception ignored")


def test_one_line_per_interval_naming_the_cause(logged):
    logger, stream = logged
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(500):
            fail(logger)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Redis unavailable (ConnectionRefusedError: Error 111")
    assert "Traceback" not in stream.getvalue()

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        fail(logger)
        fail(logger)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "499 held back since the last one" in lines[1]
