"""Strict parsing of settings from the environment.

Every value is read through one of these functions so that a bad value stops the process at start
with a message naming the variable, instead of surfacing later as a confusing runtime error.
`NAME_FILE` variants let container secrets be mounted as files.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def raw(name: str, default: str | None = None) -> str | None:
    """The variable's text, or the content of the file named by `NAME_FILE`, or `default`."""
    file_var = f"{name}_FILE"
    if os.environ.get(name) is not None and os.environ.get(file_var):
        raise ImproperlyConfigured(f"Set {name} or {file_var}, not both.")
    path = os.environ.get(file_var)
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{file_var}={path!r} cannot be read: {exc.strerror}.") from exc
    return os.environ.get(name, default)


def text(name: str, default: str = "") -> str:
    value = raw(name)
    return default if value is None else value.strip()


def required(name: str) -> str:
    value = text(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set (or {name}_FILE).")
    return value


def flag(name: str, default: bool) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true or false.")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = raw(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def decimal(name: str, default: float, *, minimum: float | None = None) -> float:
    value = raw(name)
    if value is None or not value.strip():
        return default
    try:
        number = float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def date(name: str) -> datetime.date | None:
    """A calendar day `YYYY-MM-DD`, or None when unset."""
    value = text(name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a date: use YYYY-MM-DD.") from exc


def csv(name: str, default: list[str] | None = None) -> list[str]:
    value = raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def urls(name: str, default: list[str], *, schemes: tuple[str, ...]) -> list[str]:
    """A comma-separated list of URLs, each starting with one of `schemes`."""
    values = csv(name, default)
    for value in values:
        if value.split("://", 1)[0] not in schemes:
            raise ImproperlyConfigured(f"{name}: every entry must start with one of "
                                       f"{', '.join(s + '://' for s in schemes)}.")
    return values


def choice(name: str, default: str, options: tuple[str, ...]) -> str:
    value = text(name, default)
    for option in options:
        if value.lower() == option.lower():
            return option
    raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(options)}.")


def url(name: str, default: str = "", *, schemes: tuple[str, ...]) -> str:
    value = text(name, default)
    if value and value.split("://", 1)[0] not in schemes:
        raise ImproperlyConfigured(f"{name} must start with one of {', '.join(s + '://' for s in schemes)}.")
    return value
