"""How figures read on a dashboard: durations and percentages in the reader's locale
(`apps.portal.formats`), never a bare number without unit; hours for CSV."""

from __future__ import annotations

from datetime import timedelta

from apps.portal.formats import duration_text, percent_text

__all__ = ["duration_text", "hours", "percent_text"]


def hours(value: timedelta | None) -> str:
    """Hours with one decimal for CSV (a unit a spreadsheet can compute with); empty when unknown."""
    return "" if value is None else f"{value.total_seconds() / 3600:.1f}"
