"""Quiet logging for bulk commands (load_demo, import_articles).

Saving and publishing a page logs a line or two from Wagtail ("Page created", "Page
edited", "Published"), one from the page cache ("page cache invalidated") and two per
background task: loading the demo prints hundreds, and the lines a person needs (what
was made, the administrator's password, the address) scroll away. While a bulk command
runs those loggers show warnings only, unless it is run with --verbosity 2 or more.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

CHATTY_LOGGERS = ("wagtail", "django_tasks", "core.pagecache")


@contextmanager
def quiet_unless_verbose(verbosity: int, names=CHATTY_LOGGERS):
    if verbosity >= 2:
        yield
        return
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
