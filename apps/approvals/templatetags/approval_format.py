"""Template filters over `apps.approvals.formatting`."""

from __future__ import annotations

from typing import Any

from django import template

from apps.approvals.formatting import history_sentence, money_text, number_text, stock_count_text

register = template.Library()


@register.filter
def money(value: Any, currency: str = "") -> str:
    return money_text(value, currency)


@register.filter
def quantity(value: Any) -> str:
    return number_text(value)


@register.filter
def sentence(event: Any) -> str:
    """An audit event of a request as a sentence ("Approved by Dana Lee, 09:14: Checked with supplier")."""
    return history_sentence(event)


@register.filter
def stock_count(values: dict[str, Any]) -> str:
    return stock_count_text(values or {})
