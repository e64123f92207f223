"""How figures read on a dashboard: short durations and percentages, never a bare number without unit."""

from __future__ import annotations

from datetime import timedelta


def duration_text(value: timedelta | None) -> str:
    """`3.5 h`, `2.1 d`, `40 min`; `no data` when nothing was measured."""
    if value is None:
        return "no data"
    seconds = value.total_seconds()
    if seconds < 3600:
        return f"{max(seconds, 0) / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def percent_text(value: float | None) -> str:
    return "no data" if value is None else f"{value:.0f} %"


def hours(value: timedelta | None) -> str:
    """Hours with one decimal for CSV (a unit a spreadsheet can compute with); empty when unknown."""
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"
