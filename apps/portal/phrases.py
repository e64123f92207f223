"""Texts the portal writes now and people read later, each in their own language.

Exception titles, health details and write-back errors are made by a worker in no one's language and
read later by people in theirs. Such a text is kept twice: in English in its usual column (search,
sorting, the admin, rows made before this existed) and as a `Phrase` beside it, a JSON pair of the
message (the English msgid) and its values. It is written at display time in the reader's language
(`phrase_text`), with figures and days formatted for the reader's locale by `apps.portal.formats`.

`phrase(...)` and `phrase_plural(singular, plural, ...)` are extraction keywords of the portal's
`makemessages`, so the messages land in the catalogs like any `gettext` call. Values a person did not
write (an Odoo name, an error Odoo sent) stay as they are; figures are given as numbers or wrapped
(`Amount`, `Signed`, `Money`, `Day`, `Moment`, `Seconds`) so each locale writes them its own way; a nested
`Phrase` (or `Joined` ones) is written in the same language. A stored phrase whose message or values
no longer fit is shown as its English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from babel import dates, numbers
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop, ngettext
from django_stubs_ext import StrOrPromise

from apps.portal.formats import as_decimal, babel_locale, duration_text, money_text

ENGLISH = "en-gb"
REASONS_SEPARATOR = "; "  # joined as each language joins two reasons (`THEN`), e.g. " ; " in French
THEN = gettext_noop("%(first)s; %(then)s")


@dataclass(frozen=True)
class Amount:
    """A quantity or price as documents print it: whole numbers bare, others with two decimals
    (`4`, `4.60`; `4,60` in French)."""

    value: Decimal


@dataclass(frozen=True)
class Signed:
    """An amount with its sign: `+2.50`, `-3`."""

    value: Decimal


@dataclass(frozen=True)
class Day:
    """A calendar day (`10 Mar 2026`, `10 mars 2026`)."""

    value: date


@dataclass(frozen=True)
class Moment:
    """A day and time on the clock it carries (the store's, or UTC when the message says so)."""

    value: datetime


@dataclass(frozen=True)
class Seconds:
    """A duration in the reader's words (`40 min`, `3 h 20 min`)."""

    value: float


@dataclass(frozen=True)
class Phrase:
    """A message and its values; `text()` writes it in the active language."""

    message: str
    values: dict[str, Any] = field(default_factory=dict)
    plural: str = ""  # with `count`: the plural message, chosen by the value named `count`
    count: str = ""

    def data(self) -> dict[str, Any]:
        """The JSON kept beside the English text."""
        data: dict[str, Any] = {"m": self.message, "v": {name: _encode(value) for name, value in self.values.items()}}
        if self.plural:
            data.update(pl=self.plural, n=int(self.values[self.count]))
        return data

    def text(self) -> str:
        return phrase_text(self.data())

    def english(self) -> str:
        with translation.override(ENGLISH):
            return self.text()

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Money:
    """An amount in its document's currency."""

    value: Decimal | float
    currency: str


@dataclass(frozen=True)
class Joined:
    """Several phrases read as one, e.g. the reasons of a mismatch joined by "; "."""

    parts: tuple[Phrase, ...]
    separator: str = REASONS_SEPARATOR

    def data(self) -> dict[str, Any]:
        return {"j": [part.data() for part in self.parts], "sep": self.separator}

    def text(self) -> str:
        return phrase_text(self.data())

    def english(self) -> str:
        with translation.override(ENGLISH):
            return self.text()

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Stored:
    """A phrase already kept as JSON (`Phrase.data()`), used inside a new one."""

    data: dict[str, Any]


def phrase(message: str, /, **values: Any) -> Phrase:
    """A text to keep and write later in each reader's language (`message` is marked for translation)."""
    return Phrase(message, values)


def phrase_plural(singular: str, plural: str, /, number: str, **values: Any) -> Phrase:
    """A phrase whose wording follows a number (`number` names the value): "1 probe", "3 probes"."""
    return Phrase(singular, values, plural=plural, count=number)


def _encode(value: Any) -> Any:
    if isinstance(value, Phrase):
        return {"p": value.data()}
    if isinstance(value, Stored):
        return {"p": value.data}
    if isinstance(value, Joined):
        return {"p": value.data()}
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float | Decimal):
        return {"n": str(value)}
    if isinstance(value, Amount):
        return {"a": str(value.value)}
    if isinstance(value, Signed):
        return {"s": str(value.value)}
    if isinstance(value, Money):
        return {"$": str(value.value), "c": value.currency}
    if isinstance(value, Moment):
        return {"t": value.value.isoformat()}
    if isinstance(value, Day):
        return {"d": value.value.isoformat()}
    if isinstance(value, Seconds):
        return {"sec": value.value}
    return str(value)


def _decode(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "p" in value:
        return _write(value["p"])
    if "n" in value:
        return _number(str(value["n"]))
    if "a" in value:
        return _amount(Decimal(value["a"]))
    if "s" in value:
        amount = Decimal(value["s"])
        return f"+{_amount(amount)}" if amount > 0 else _amount(amount)
    if "$" in value:
        return money_text(value["$"], str(value.get("c") or ""))
    if "t" in value:
        moment = datetime.fromisoformat(value["t"])
        day = dates.format_skeleton("MMMd", moment, tzinfo=moment.tzinfo, locale=babel_locale())
        return f"{day} {date_format(moment, 'H:i')}"
    if "d" in value:
        return dates.format_skeleton("yMMMd", date.fromisoformat(value["d"]), locale=babel_locale())
    if "sec" in value:
        return duration_text(timedelta(seconds=float(value["sec"])))
    raise ValueError(f"unknown phrase value {value!r}")


_TWO_PLACES = numbers.parse_pattern("#,##0.00")  # parsed once: Babel's format_decimal parses on every call


def _amount(value: Decimal) -> str:
    locale = babel_locale()
    if value == value.to_integral_value():
        return str(locale.decimal_formats[None].apply(value.to_integral_value(), locale))
    return str(_TWO_PLACES.apply(value, locale))


def _number(text: str) -> str:
    """`formats.number_text` (up to two decimals, whole numbers bare) without re-parsing the pattern."""
    value = as_decimal(text)
    if value is None:
        return text
    locale, rounded = babel_locale(), round(value, 2)
    shown = rounded.normalize() if rounded == rounded.to_integral_value() else rounded
    return str(locale.decimal_formats[None].apply(shown, locale))


def _write(data: dict[str, Any]) -> str:
    if "j" in data:
        parts = [_write(part) for part in data["j"]]
        separator = str(data.get("sep", REASONS_SEPARATOR))
        if separator != REASONS_SEPARATOR or not parts:
            return separator.join(parts)
        text = parts[0]
        for part in parts[1:]:
            text = gettext(THEN) % {"first": text, "then": part}
        return text
    message = ngettext(data["m"], data["pl"], int(data["n"])) if "pl" in data else gettext(data["m"])
    values = data.get("v") or {}
    if not values and "%(" not in message:
        return message  # no values: a "%" in the text is a plain one
    return message % {name: _decode(value) for name, value in values.items()}


def phrase_text(data: dict[str, Any] | None, fallback: str = "") -> str:
    """A stored phrase in the active language; `fallback` (the English column) when there is none
    (a row made before phrases were kept) or it cannot be written any more."""
    if not data or ("m" not in data and "j" not in data):
        return fallback
    try:
        return _write(data)
    except (KeyError, ValueError, TypeError, IndexError):
        return fallback


@dataclass(frozen=True)
class Said:
    """A kept text that writes itself in the active language whenever it is shown: safe to cache
    across readers of different languages (a dashboard shared by the network)."""

    data: dict[str, Any]
    fallback: str

    def __str__(self) -> str:
        return phrase_text(self.data, self.fallback)


def phrase_lazy(data: dict[str, Any] | None, fallback: str = "") -> StrOrPromise:
    """`phrase_text` as a lazy string, written in the active language when it is turned into text
    (a notice sent to several people, each in their own language)."""
    text: StrOrPromise = lazy(phrase_text, str)(data, fallback)
    return text


def stored_text(wording: dict[str, Any] | None, name: str, fallback: str) -> str:
    """One text of a row's `wording` (name → phrase JSON) in the active language, else `fallback`."""
    return phrase_text((wording or {}).get(name), fallback)


Text = str | Phrase | Joined  # what a stored text may be made of


def english(text: Text) -> str:
    """The English of a text that is either already plain or a phrase."""
    return text if isinstance(text, str) else text.english()


def data_of(text: Text) -> dict[str, Any]:
    """The JSON to keep for a text: empty for a plain one (it is shown as it is)."""
    return {} if isinstance(text, str) else text.data()
