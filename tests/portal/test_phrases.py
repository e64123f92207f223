"""Phrases: texts kept now and written later in the reader's language, with the reader's figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from apps.portal.phrases import (
    Amount,
    Day,
    Joined,
    Moment,
    Money,
    Said,
    Signed,
    Stored,
    phrase,
    phrase_plural,
    phrase_text,
)

pytestmark = pytest.mark.usefixtures("compiled_catalogs")


def written(text: object, language: str) -> str:
    with translation.override(language):
        return str(text)


@pytest.mark.parametrize(("value", "english", "french"), [
    (Amount(Decimal("4.6")), "4.60", "4,60"),
    (Amount(Decimal("1500")), "1,500", "1\u202f500"),
    (Signed(Decimal("2.5")), "+2.50", "+2,50"),
    (Signed(Decimal("-3")), "-3", "-3"),
    (Decimal("1234.5"), "1,234.5", "1\u202f234,5"),
    (Money(Decimal("16020"), "EUR"), "€16,020.00", "16\u202f020,00\u00a0€"),
    (Day(date(2026, 3, 1)), "1 Mar 2026", "1 mars 2026"),
    (Moment(datetime(2026, 3, 10, 9, 5, tzinfo=UTC)), "10 Mar 09:05", "10 mars 09:05"),
])
def test_figures_and_days_are_written_as_the_reader_s_language_writes_them(value: object, english: str,
                                                                             french: str) -> None:
    said = phrase("Scheduled action: %(name)s", name=value)
    assert said.english() == f"Scheduled action: {english}"
    assert written(said, "fr") == f"Action planifiée : {french}"


def test_nested_and_joined_phrases_are_written_in_the_same_language() -> None:
    reasons = Joined((phrase("billed %(billed)s, received %(received)s", billed=Amount(Decimal(40)),
                             received=Amount(Decimal(25))), phrase("Worker lost; retrying.")))
    said = phrase("%(bill)s: %(reasons)s", bill=phrase("Draft bill"), reasons=reasons)
    assert said.english() == "Draft bill: billed 40, received 25; Worker lost; retrying."
    assert written(said, "fr") == "Facture brouillon : facturé 40, reçu 25 ; Worker perdu ; nouvel essai."
    kept = phrase("%(first)s; %(then)s", first=Stored(phrase("No due date").data()), then="PO7")
    assert written(kept, "es") == "Sin fecha límite; PO7"


def test_a_plural_follows_the_number() -> None:
    def probes(count: int) -> str:
        return written(phrase_plural("%(count)s probe in a row failed; the last: %(error)s",
                                     "%(count)s probes in a row failed; the last: %(error)s", number="count",
                                     count=count, error="Timeout"), "fr")

    assert probes(1) == "1 sonde en échec d'affilée ; la dernière : Timeout"
    assert probes(3) == "3 sondes en échec d'affilée ; la dernière : Timeout"


def test_a_row_without_a_phrase_or_with_one_that_no_longer_fits_shows_its_english() -> None:
    assert written(Said({}, "Kept in English"), "fr") == "Kept in English"
    assert phrase_text({"m": "Scheduled action: %(name)s", "v": {}}, "Kept in English") == "Kept in English"
    assert phrase_text({"m": "Scheduled action: %(name)s", "v": {"name": {"?": 1}}}, "Kept") == "Kept"
    assert written(Said(phrase("No due date").data(), "No due date"), "fr") == "Pas d'échéance"
