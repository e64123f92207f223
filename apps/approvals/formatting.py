"""Stock counts and history as a manager reads them: a count as "counted 37 of 40 on hand (-3)", an
audit event as a sentence. Numbers and money come from `apps.portal.formats` (the reader's locale)."""

from __future__ import annotations

from typing import Any

from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.portal.formats import MINUS, as_decimal, money_text, number_text, signed_text

__all__ = ["MINUS", "history_sentence", "money_text", "number_text", "signed_text", "stock_count_text"]


def stock_count_text(values: dict[str, Any]) -> str:
    """A stock count from the mirrored quant: "counted 37 of 40 on hand (-3, printed with a real minus sign)"."""
    counted, on_hand = values.get("inventory_quantity"), values.get("quantity")
    difference = values.get("inventory_diff_quantity")
    if difference is None and as_decimal(counted) is not None and as_decimal(on_hand) is not None:
        difference = as_decimal(counted) - as_decimal(on_hand)  # type: ignore[operator]
    return _("counted %(counted)s of %(on_hand)s on hand (%(difference)s)") % {
        "counted": number_text(counted), "on_hand": number_text(on_hand), "difference": signed_text(difference)}


# An approval's history entry, as a sentence: "Approved by Dana Lee, 09:14: Checked with supplier".
HISTORY_VERBS = {
    "approval.approve": gettext_lazy("Approved"), "approval.reject": gettext_lazy("Rejected"),
    "approval.undone": gettext_lazy("Decision undone"), "approval.reassigned": gettext_lazy("Reassigned"),
    "approval.deadline_extended": gettext_lazy("Deadline extended"), "approval.escalated": gettext_lazy("Escalated"),
    "approval.reminded": gettext_lazy("Reminder sent"), "approval.auto_approve": gettext_lazy("Approved"),
}


def history_sentence(event: Any) -> str:
    verb = HISTORY_VERBS.get(event.action) or event.action.split(".")[-1].replace("_", " ").capitalize()
    person = event.actor.get_full_name() if event.actor is not None and event.actor.get_full_name() else \
        event.actor_label
    when = timezone.localtime(event.occurred_at)
    shown = dateformat.format(when, "H:i" if when.date() == timezone.localdate() else "j M H:i")
    sentence = (_("%(verb)s by %(person)s, %(when)s") % {"verb": verb, "person": person, "when": shown} if person
                else _("%(verb)s, %(when)s") % {"verb": verb, "when": shown})
    return _("%(sentence)s: %(message)s") % {"sentence": sentence, "message": event.message} if event.message \
        else sentence
