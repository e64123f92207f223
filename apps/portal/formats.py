"""Numbers, money, percentages, durations and times as the reader's locale writes them.

One place for every figure a person reads: Babel's CLDR data for the active language (`1,234.5` in
English, `1 234,5` in French, `1234,5` / `12.345,5` in Spanish), money always with the document's own
currency (`€16,020.00`, `16 020,00 €`, `16.020,00 US$`: never one symbol for every amount), durations
in words of the language (`3 h 20 min`), and times in the person's zone with the store's clock beside
them where the store's clock matters (deadlines, due times).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError, dates, numbers
from django.conf import settings
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

MINUS = "\u2212"  # a real minus sign, as in print


@lru_cache(maxsize=32)
def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE.replace("-", "_"))


def babel_locale() -> Locale:
    """The active language's CLDR locale (`en-gb` → en_GB, `fr` → fr, `es` → es)."""
    return _babel_locale(translation.get_language() or settings.LANGUAGE_CODE)


def as_decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number_text(value: Any, *, max_places: int = 2) -> str:
    """A quantity: grouped, whole numbers without decimals, others with up to `max_places`."""
    number = as_decimal(value)
    if number is None:
        return "" if value is None or value is False else str(value)
    rounded = round(number, max_places)
    return numbers.format_decimal(rounded.normalize() if rounded == rounded.to_integral_value() else rounded,
                                  locale=babel_locale())


def money_text(value: Any, currency: str = "") -> str:
    """An amount in its document's currency, as the locale writes money; a currency code the locale
    does not know is written as the code. Without a currency: the grouped amount with two decimals."""
    number = as_decimal(value)
    if number is None:
        return ""
    code = (currency or "").strip().upper()
    if not code:
        return numbers.format_decimal(number, format="#,##0.00", locale=babel_locale())
    try:
        return numbers.format_currency(number, code, locale=babel_locale())
    except (numbers.UnknownCurrencyFormatError, ValueError):  # pragma: no cover - Babel writes unknown codes as is
        return f"{numbers.format_decimal(number, format='#,##0.00', locale=babel_locale())} {code}"


def signed_text(value: Any) -> str:
    """A difference with its sign: +2, -3 (printed with a real minus sign), 0."""
    number = as_decimal(value)
    if number is None:
        return ""
    text = number_text(abs(number))
    return f"+{text}" if number > 0 else f"{MINUS}{text}" if number < 0 else text


def percent_text(value: float | None) -> str:
    """A share given in percent (85.2 → `85 %` in French, `85%` in English); `no data` when unknown."""
    if value is None:
        return _("no data")
    return numbers.format_percent(Decimal(str(value)) / 100, locale=babel_locale())


def duration_text(value: timedelta | None, *, empty: str | None = None) -> str:
    """A duration as people say it, in the reader's language: `40 min`, `3 h 20 min`, `2 d 5 h`
    (`2 j 5 h` in French); `no data` (or `empty`) when nothing was measured."""
    if value is None:
        return _("no data") if empty is None else empty
    minutes = max(0, round(value.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days >= 2 or (days and not minutes and not hours):
        return (_("%(days)s d %(hours)s h") % {"days": days, "hours": hours} if hours
                else _("%(days)s d") % {"days": days})
    hours += days * 24
    if not hours:
        return _("%(minutes)s min") % {"minutes": minutes}
    if not minutes:
        return _("%(hours)s h") % {"hours": hours}
    return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}


def zone_of(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def day_text(value: datetime, *, weekday: bool = False) -> str:
    """A day as the locale writes it (CLDR): `10 Mar`, `10 mars`, `mar. 10 mars`; the year when it is
    not this year's."""
    skeleton = "yMMMd" if value.year != timezone.localdate().year else "MMMEd" if weekday else "MMMd"
    return dates.format_skeleton(skeleton, value, tzinfo=value.tzinfo, locale=babel_locale())


def when_text(value: datetime | None, *, with_date: bool = True, weekday: bool = False) -> str:
    """A moment in the reader's zone and words: `10 Mar 14:05`, `mar. 10 mars 14:05`; the time
    alone when it is today (or `with_date` is False)."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if not with_date or (local.date() == timezone.localdate() and not weekday):
        return dateformat.format(local, "H:i")
    return f"{day_text(local, weekday=weekday)} {dateformat.format(local, 'H:i')}"


def store_clock_text(value: datetime | None, store_zone: str | None) -> str:
    """The same moment on the store's clock (`15:05 store time`), only when the store's clock reads
    differently from the reader's; empty otherwise."""
    zone = zone_of(store_zone)
    if value is None or zone is None or not timezone.is_aware(value):
        return ""
    mine, theirs = timezone.localtime(value), value.astimezone(zone)
    if mine.utcoffset() == theirs.utcoffset():
        return ""
    shown = dateformat.format(theirs, "H:i") if theirs.date() == mine.date() else \
        f"{day_text(theirs)} {dateformat.format(theirs, 'H:i')}"
    return _("%(time)s store time") % {"time": shown}
