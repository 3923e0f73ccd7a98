"""The one place settings read the process environment (12-factor)."""

import os

from django.core.exceptions import ImproperlyConfigured


def get(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def required(name: str) -> str:
    """Return a variable that production cannot run without, or refuse to start."""
    value = get(name)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required by portal.settings.production "
            "but is not set."
        )
    return value


def flag(name: str, default: bool = False) -> bool:
    value = get(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def integer(name: str, default: int) -> int:
    value = get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc


def items(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in get(name, default).split(",") if item.strip()]


def items_required(name: str) -> list[str]:
    return [item.strip() for item in required(name).split(",") if item.strip()]
