"""Small converters for the value shapes Odoo puts on the wire.

Odoo speaks in its own idioms: a many2one is `[id, display_name]` or `False`, a datetime is a naive
UTC string `YYYY-MM-DD HH:MM:SS`, a version may carry a suffix like `18.0+e-20241005`. These helpers
turn them into plain Python values at the edge so the rest of the product never sees the idioms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

ODOO_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ODOO_DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class OdooVersion:
    """The server's version: `major` decides the transport, `full` is for display and logs."""

    major: int
    full: str
    minor: int = 0

    @classmethod
    def from_answer(cls, answer: Any) -> OdooVersion:
        """Read `/web/webclient/version_info` (`server_version_info`) or `/web/version` (`version_info`).

        `server_version_info[0]` is trusted over the text, which may read `18.0+e-20241005` or
        `saas~18.2`. Raises ValueError when neither shape is there.
        """
        if not isinstance(answer, Mapping):
            raise ValueError("version answer is not an object")
        info = answer.get("server_version_info", answer.get("version_info"))
        full = answer.get("server_version", answer.get("version"))
        if isinstance(info, list) and info and isinstance(info[0], int) and not isinstance(info[0], bool):
            minor = info[1] if len(info) > 1 and isinstance(info[1], int) else 0
            return cls(major=info[0], minor=minor, full=str(full or f"{info[0]}.{minor}"))
        if isinstance(full, str):
            digits = full.split("~")[-1].split("+")[0].split("-")[0].split(".")
            if digits and digits[0].isdigit():
                minor_text = digits[1] if len(digits) > 1 else "0"
                return cls(major=int(digits[0]), minor=int(minor_text) if minor_text.isdigit() else 0, full=full)
        raise ValueError("version answer has no usable version")

    def __str__(self) -> str:
        return self.full


def m2o_id(value: Any) -> int | None:
    """The id of a many2one value: `[id, name]` -> id, `False`/`None` -> None, a bare id -> id."""
    if isinstance(value, (list, tuple)) and value:
        value = value[0]
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def m2o_name(value: Any) -> str | None:
    """The display name of a many2one value `[id, name]`, or None when empty."""
    if isinstance(value, (list, tuple)) and len(value) > 1 and isinstance(value[1], str):
        return value[1]
    return None


def parse_odoo_datetime(value: str) -> datetime:
    """An aware UTC datetime from Odoo's `YYYY-MM-DD HH:MM:SS` (Odoo stores and sends UTC).

    Fractional seconds, which some servers add, are accepted. Raises ValueError otherwise.
    """
    text = value.strip()
    if len(text) < 19 or text[10] != " ":
        raise ValueError(f"{value!r} is not an Odoo datetime (YYYY-MM-DD HH:MM:SS).")
    # fromisoformat is C code: a full sync parses one of these per record.
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def parse_odoo_datetime_or_none(value: Any) -> datetime | None:
    """Like `parse_odoo_datetime`, but Odoo's `False` for an empty field gives None."""
    if value is False or value is None or value == "":
        return None
    return parse_odoo_datetime(value)


def parse_odoo_date(value: str) -> date:
    """A date from Odoo's `YYYY-MM-DD` (date fields carry no time zone)."""
    return datetime.strptime(value.strip(), ODOO_DATE_FORMAT).date()


def format_odoo_datetime(value: datetime) -> str:
    """Odoo's `YYYY-MM-DD HH:MM:SS` in UTC, for domains and writes.

    A naive datetime is refused: guessing its zone would shift every `write_date` comparison.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("format_odoo_datetime needs an aware datetime")
    return value.astimezone(UTC).strftime(ODOO_DATETIME_FORMAT)


def format_odoo_date(value: date) -> str:
    """Odoo's `YYYY-MM-DD` for a date."""
    return value.strftime(ODOO_DATE_FORMAT)
