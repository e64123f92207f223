"""Numbers and money as a manager reads them: grouped by the active locale, never "16020.0"."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value is False or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number_text(value: Any, *, max_places: int = 2) -> str:
    """A quantity: grouped, whole numbers without decimals, others with up to `max_places`."""
    number = _decimal(value)
    if number is None:
        return "" if value is None or value is False else str(value)
    places = 0 if number == number.to_integral_value() else min(max_places, max(0, -number.normalize().as_tuple()
                                                                                 .exponent))  # type: ignore[operator]
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def money_text(value: Any, currency: str = "") -> str:
    """An amount: grouped, two decimals, the currency after it ("16,020.00 EUR")."""
    number = _decimal(value)
    if number is None:
        return ""
    text = formats.number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text} {currency}".strip()


@register.filter
def money(value: Any, currency: str = "") -> str:
    return money_text(value, currency)


@register.filter
def quantity(value: Any) -> str:
    return number_text(value)
