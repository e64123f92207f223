"""Numbers, money, stock counts and history as a manager reads them: grouped by the active locale
(never "16020.0"), a count as "counted 37 of 40 on hand (-3)" (printed with a real minus sign), an
audit event as a sentence."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone

MINUS = "\u2212"  # a real minus sign, as in print


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


def signed_text(value: Any) -> str:
    """A difference with its sign: +2, -3 (a real minus sign), 0."""
    number = _decimal(value)
    if number is None:
        return ""
    text = number_text(abs(number))
    return f"+{text}" if number > 0 else f"{MINUS}{text}" if number < 0 else text


def stock_count_text(values: dict[str, Any]) -> str:
    """A stock count from the mirrored quant: "counted 37 of 40 on hand (-3, printed with a real minus sign)"."""
    counted, on_hand = values.get("inventory_quantity"), values.get("quantity")
    difference = values.get("inventory_diff_quantity")
    if difference is None and _decimal(counted) is not None and _decimal(on_hand) is not None:
        difference = _decimal(counted) - _decimal(on_hand)  # type: ignore[operator]
    return f"counted {number_text(counted)} of {number_text(on_hand)} on hand ({signed_text(difference)})"


# An approval's history entry, as a sentence: "Approved by Dana Lee, 09:14: Checked with supplier".
HISTORY_VERBS = {
    "approval.approve": "Approved", "approval.reject": "Rejected", "approval.undone": "Decision undone",
    "approval.reassigned": "Reassigned", "approval.deadline_extended": "Deadline extended",
    "approval.escalated": "Escalated", "approval.reminded": "Reminder sent", "approval.auto_approve": "Approved",
}


def history_sentence(event: Any) -> str:
    verb = HISTORY_VERBS.get(event.action) or event.action.split(".")[-1].replace("_", " ").capitalize()
    person = event.actor.get_full_name() if event.actor is not None and event.actor.get_full_name() else \
        event.actor_label
    when = timezone.localtime(event.occurred_at)
    shown = f"{when:%H:%M}" if when.date() == timezone.localdate() else f"{when:%d %b %H:%M}"
    sentence = f"{verb} by {person}, {shown}" if person else f"{verb}, {shown}"
    return f"{sentence}: {event.message}" if event.message else sentence
