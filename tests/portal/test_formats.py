"""Figures and moments as each locale writes them: numbers, money in the document's own currency,
percentages, durations in words, and deadlines in the reader's zone with the store's clock beside
them, right on both sides of a daylight-saving change."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from apps.portal.formats import duration_text, money_text, number_text, percent_text, store_clock_text, when_text

NNBSP, NBSP = "\u202f", "\xa0"  # CLDR's narrow no-break space (French groups) and no-break space

MONEY = [
    # language, amount, currency, as written
    ("en-gb", "16020", "EUR", "€16,020.00"),
    ("en-gb", "16020.5", "GBP", "£16,020.50"),
    ("en-gb", "-12.3", "USD", "-US$12.30"),
    ("en-gb", "1000", "JPY", "JP¥1,000"),
    ("en-gb", "99.99", "", "99.99"),
    ("fr", "16020", "EUR", f"16{NNBSP}020,00{NBSP}€"),
    ("fr", "16020.5", "GBP", f"16{NNBSP}020,50{NBSP}£GB"),
    ("fr", "1234567.891", "USD", f"1{NNBSP}234{NNBSP}567,89{NBSP}$US"),
    ("fr", "1000", "JPY", f"1{NNBSP}000{NBSP}JPY"),
    ("fr", "99.99", "", "99,99"),
    ("es", "16020", "EUR", f"16.020,00{NBSP}€"),
    ("es", "16020.5", "GBP", f"16.020,50{NBSP}GBP"),
    ("es", "1234567.891", "USD", f"1.234.567,89{NBSP}US$"),
    ("es", "99.99", "", "99,99"),
]

NUMBERS = [
    ("en-gb", 1234.5, "1,234.5"), ("en-gb", 3, "3"), ("en-gb", Decimal("2.50"), "2.5"), ("en-gb", 1e6, "1,000,000"),
    ("fr", 1234.5, f"1{NNBSP}234,5"), ("fr", 3, "3"), ("fr", Decimal("2.50"), "2,5"),
    ("fr", 1e6, f"1{NNBSP}000{NNBSP}000"),
    ("es", 12345.5, "12.345,5"), ("es", 3, "3"), ("es", Decimal("2.50"), "2,5"), ("es", 1e6, "1.000.000"),
]


@pytest.mark.parametrize(("language", "amount", "currency", "written"), MONEY)
def test_money_is_written_in_its_own_currency_as_the_locale_writes_it(language: str, amount: str, currency: str,
                                                                       written: str) -> None:
    with translation.override(language):
        assert money_text(amount, currency) == written
        assert money_text(amount, currency.lower()) == written  # a code as Odoo may send it


@pytest.mark.parametrize(("language", "value", "written"), NUMBERS)
def test_numbers_are_grouped_as_the_locale_groups_them(language: str, value: object, written: str) -> None:
    with translation.override(language):
        assert number_text(value) == written


def test_nothing_is_written_for_nothing() -> None:
    assert money_text(None, "EUR") == ""
    assert money_text("not a number", "EUR") == ""
    assert number_text(None) == ""


@pytest.mark.parametrize(("language", "percent", "duration", "long_duration", "nothing"), [
    ("en-gb", "85%", "3 h 20 min", "2 d 5 h", "no data"),
    ("fr", f"85{NBSP}%", "3 h 20 min", "2 j 5 h", "pas de données"),
    ("es", f"85{NBSP}%", "3 h 20 min", "2 d 5 h", "sin datos"),
])
def test_percentages_and_durations_in_words(language: str, percent: str, duration: str, long_duration: str,
                                            nothing: str) -> None:
    with translation.override(language):
        assert percent_text(85.2) == percent
        assert duration_text(timedelta(hours=3, minutes=20)) == duration
        assert duration_text(timedelta(days=2, hours=5, minutes=10)) == long_duration
        assert duration_text(timedelta(minutes=40)) == "40 min"
        assert duration_text(timedelta(hours=5)) == "5 h"
        assert duration_text(None) == nothing
        assert percent_text(None) == nothing


LONDON, NEW_YORK = zoneinfo.ZoneInfo("Europe/London"), zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(("deadline_utc", "mine", "store_clock"), [
    # Before either change: New York is 5 h behind London.
    (datetime(2026, 3, 6, 15, 0, tzinfo=UTC), "15:00", "10:00 store time"),
    # New York moved to summer time on 8 March, London not yet: 4 h behind.
    (datetime(2026, 3, 10, 15, 0, tzinfo=UTC), "15:00", "11:00 store time"),
    # London moved on 29 March: 5 h again, both an hour later than UTC's winter reading.
    (datetime(2026, 3, 30, 15, 0, tzinfo=UTC), "16:00", "11:00 store time"),
    # The store's day is not the reader's: its date is shown.
    (datetime(2026, 3, 31, 2, 30, tzinfo=UTC), "03:30", "30 Mar 22:30 store time"),
])
def test_a_deadline_reads_in_my_zone_with_the_stores_clock_across_daylight_saving(deadline_utc: datetime, mine: str,
                                                                                 store_clock: str) -> None:
    with timezone.override(LONDON), translation.override("en-gb"):
        assert when_text(deadline_utc, with_date=False) == mine
        assert store_clock_text(deadline_utc, "America/New_York") == store_clock
        assert store_clock_text(deadline_utc, "Europe/London") == ""  # same clock: said once
        assert store_clock_text(deadline_utc, "Not/AZone") == ""


def test_the_store_clock_speaks_the_readers_language() -> None:
    deadline = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    with timezone.override(NEW_YORK), translation.override("fr"):
        assert store_clock_text(deadline, "Europe/Paris") == "16:00 heure du magasin"
    with timezone.override(NEW_YORK), translation.override("es"):
        assert store_clock_text(deadline, "Europe/Madrid") == "16:00 hora de la tienda"


def test_the_moment_tag_writes_both_clocks_and_a_machine_readable_time() -> None:
    deadline = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    template = Template("{% load locale_format %}{% moment deadline zone %}|{{ amount|money:'EUR' }}")
    with timezone.override(LONDON), translation.override("fr"):
        html = template.render(Context({"deadline": deadline, "zone": "America/New_York", "amount": 5}))
    assert '<time datetime="2026-03-10T15:00:00+00:00">10 mars 15:00</time>' in html
    assert '<span class="store-clock">(11:00 heure du magasin)</span>' in html
    assert html.endswith(f"|5,00{NBSP}€")
