"""Notification texts written in each reader's language.

A notice goes to several people at once (a sync batch, every operations admin), who may each read a
different language. So its subject and body are kept as `Words`: the message (marked for translation
lazily) and its values, written out only when it is known who reads it. A plain string
is sent as it is (a reason someone typed, an error from Odoo).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from apps.portal.preferences import supported_language

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Words:
    """A message (`gettext_lazy`, or `ngettext_lazy(..., "count")` for plurals) and its values; `str()`
    writes it in the active language. Values may be lazy strings (choice labels), `InSentence`, `Moment`."""

    def __init__(self, message: Any, /, **values: Any) -> None:
        self.message, self.values = message, values

    def __str__(self) -> str:
        values = {key: value if isinstance(value, (int, float, Decimal)) else str(value)
                  for key, value in self.values.items()}
        return str(self.message % values if values else self.message)

    def __repr__(self) -> str:
        return f"Words({self.message!r})"


class InSentence:
    """A label inside a sentence, in the reader's language: "In Odoo" → "in Odoo" (never "in odoo")."""

    def __init__(self, label: Any) -> None:
        self.label = label

    def __str__(self) -> str:
        text = str(self.label)
        return text[:1].lower() + text[1:]


class Moment:
    """A time as the reader's language writes it (month names), in `zone` (the portal's by default)."""

    def __init__(self, value: datetime, format_string: str = "j M H:i", zone: tzinfo | None = None) -> None:
        self.value, self.format_string, self.zone = value, format_string, zone

    def __str__(self) -> str:
        return date_format(timezone.localtime(self.value, timezone=self.zone), self.format_string)


Text = str | Words


def text_in(language: str, text: Text | Iterable[Text]) -> str:
    """The text in `language` (the portal's default when empty); lines of a list joined one per line."""
    with translation.override(language or settings.LANGUAGE_CODE):
        if isinstance(text, (str, Words)):
            return str(text)
        return "\n".join(str(line) for line in text)


def languages_of(users: Iterable[User]) -> dict[int, str]:
    """Each person's language (their own choice, else their Odoo user's; empty: the portal's), one query."""
    ids = [user.pk for user in users]
    if not ids:
        return {}
    rows = get_user_model().objects.filter(pk__in=ids).values_list(
        "pk", "notification_settings__language", "odoo_link__odoo_lang")
    return {pk: supported_language(own or "") or supported_language(odoo or "") for pk, own, odoo in rows}
