"""Notification texts written in each reader's language, when it is known who reads them.

A notice goes to several people at once, who may each read a different language and live in another
zone. `Words` keeps a message (marked with `gettext_lazy`, or `ngettext_lazy(..., "count")` for plurals)
and its values as a lazy string; `notify_each` writes it for each recipient in their language and zone
(see `apps.notifications.services`). A plain string is sent as it is (a reason someone typed, an error
from Odoo).
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import lazy
from django_stubs_ext import StrOrPromise


def _write(message: Any, values: dict[str, Any]) -> str:
    written = {key: value if isinstance(value, (int, float, Decimal)) else str(value) for key, value in values.items()}
    return str(message % written if written else message)


def Words(message: Any, /, **values: Any) -> StrOrPromise:
    """The message with its values, written in the active language whenever it is turned into text."""
    text: StrOrPromise = lazy(_write, str)(message, values)
    return text


class InSentence:
    """A label inside a sentence, in the reader's language: "In Odoo" → "in Odoo" (never "in odoo")."""

    def __init__(self, label: Any) -> None:
        self.label = label

    def __str__(self) -> str:
        text = str(self.label)
        return text[:1].lower() + text[1:]


class Moment:
    """A time as the reader's language writes it (month names), in `zone` (the reader's by default)."""

    def __init__(self, value: datetime, format_string: str = "j M H:i", zone: tzinfo | None = None) -> None:
        self.value, self.format_string, self.zone = value, format_string, zone

    def __str__(self) -> str:
        return date_format(timezone.localtime(self.value, timezone=self.zone), self.format_string)
