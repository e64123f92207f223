"""Exception titles and details are written by the rules in no one's language and read in each
reader's: a French reader sees every rule's exception in French on the page, in the API and in the
CSV export, with French figures and days; English readers read what they always read, the English
kept in the columns; a row made before phrases were kept shows its English; a resync of an unchanged
record changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from apps.operations.models import DocumentStore, ExceptionKind, OpsException
from apps.operations.projector import records_apply
from apps.sync.models import Feed, MirrorRecord
from tests.api.conftest import bearer, token_for
from tests.factories import Network
from tests.languages import client_speaking, speaks
from tests.operations.builders import feeds_ready, make_exception

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
NNBSP = "\u202f"  # French groups thousands with a narrow no-break space

# kind, the mirrored Odoo values, then (title, detail) in English, French and Spanish.
RULES = [
    (ExceptionKind.COUNT_DISCREPANCY,
     {"product_id": [7, "Oat milk 1L"], "inventory_quantity": 12.5, "quantity": 1020,
      "inventory_diff_quantity": -1007.5, "inventory_quantity_set": True, "location_id": [5, "N01/Stock"]},
     ("Oat milk 1L: counted 12.50, system 1,020", "Difference -1,007.50 at N01/Stock"),
     (f"Oat milk 1L : compté 12,50, système 1{NNBSP}020", f"Écart de -1{NNBSP}007,50 à N01/Stock"),
     ("Oat milk 1L: contado 12,50, sistema 1.020", "Diferencia de -1.007,50 en N01/Stock")),
    (ExceptionKind.NEGATIVE_STOCK,
     {"product_id": [8, "Baguette"], "quantity": -3, "location_id": [5, "N01/Stock"]},
     ("Baguette: -3 on hand", "Negative stock at N01/Stock"),
     ("Baguette : -3 en stock", "Stock négatif à N01/Stock"),
     ("Baguette: -3 disponibles", "Stock negativo en N01/Stock")),
    (ExceptionKind.REPLENISHMENT_RISK,
     {"product_id": [9, "Coffee beans"], "qty_to_order": 1200, "qty_forecast": 2.5, "product_min_qty": 1500},
     ("Coffee beans: forecast 2.50 below minimum 1,500", "1,200 to order"),
     (f"Coffee beans : prévision 2,50 sous le minimum 1{NNBSP}500", f"1{NNBSP}200 à commander"),
     ("Coffee beans: previsión 2,50 por debajo del mínimo 1.500", "1.200 por pedir")),
    (ExceptionKind.LATE_RECEIPT,
     {"name": "N01/IN/00042", "partner_id": [3, "Fresh Fields"], "scheduled_date": "2026-03-10 09:00:00",
      "origin": "PO0042", "state": "assigned"},
     ("N01/IN/00042 from Fresh Fields", "Receipt scheduled 10 Mar 09:00, for PO0042 (assigned)"),
     ("N01/IN/00042 de Fresh Fields", "Réception prévue le 10 mars 09:00, pour PO0042 (assigned)"),
     ("N01/IN/00042 de Fresh Fields", "Recepción prevista el 10 mar 09:00, para PO0042 (assigned)")),
    (ExceptionKind.OVERDUE_ACTIVITY,
     {"activity_type_id": [4, "To-Do"], "summary": "Check the fridge", "date_deadline": "2026-03-01",
      "res_model": "purchase.order", "res_id": 77, "res_name": "PO0077"},
     ("To-Do: Check the fridge", "On PO0077, due 1 Mar 2026"),
     ("To-Do : Check the fridge", "Sur PO0077, échéance le 1 mars 2026"),
     ("To-Do: Check the fridge", "En PO0077, vence el 1 mar 2026")),
    (ExceptionKind.BILL_MISMATCH,
     {"order_id": [50, "P00050"], "product_id": [9, "Coffee beans"], "price_unit": 4.6, "qty_received": 25,
      "qty_invoiced": 40, "qty_to_invoice": -15},
     ("P00050: Coffee beans", "Draft bill: billed 40, received 25"),
     ("P00050 : Coffee beans", "Facture brouillon : facturé 40, reçu 25"),
     ("P00050: Coffee beans", "Factura en borrador: facturado 40, recibido 25")),
]


def raised(network: Network, kind: str, values: dict[str, Any]) -> OpsException:
    """The exception the projector opens for one mirrored record of `kind`'s feed in store N01."""
    feeds_ready()
    feed = next(f for f in Feed.objects.all() if (f.settings or {}).get("exception_kind") == kind)
    record = MirrorRecord.objects.create(feed=feed, odoo_id=4242, store=network.store_a, values=values,
                                         odoo_write_date=NOW, first_seen_at=NOW)
    for model in ("purchase.order",):  # activities and order lines take the store of their document
        for odoo_id in (values.get("res_id"), (values.get("order_id") or [None])[0]):
            if odoo_id:
                DocumentStore.objects.create(odoo_model=model, odoo_id=odoo_id, store=network.store_a)
    assert records_apply(feed, [record], kind=kind, now=NOW) == 1
    return OpsException.objects.get(kind=kind, odoo_id=4242)



def detail_page(network: Network, exception: OpsException, language: str) -> str:
    client = client_speaking(network.manager_a, language)
    return client.get(reverse("operations:detail", args=[exception.pk])).content.decode()


def read_everywhere(network: Network, exception: OpsException, language: str) -> tuple[str, str, str, str]:
    """The title and detail on the exception's page, in the API, and the title in the store's CSV."""
    client = client_speaking(network.manager_a, language)
    page = client.get(reverse("operations:detail", args=[exception.pk])).content.decode()
    api = bearer(token_for(network.manager_a)).get("/api/v1/exceptions/", HTTP_ACCEPT_LANGUAGE=language).json()
    (row,) = api["results"]
    export = client.get("/dashboards/store/N01/export/exceptions.csv").content.decode()
    (line,) = csv.DictReader(io.StringIO(export))
    return page, row["title"], row["detail"], line["title"]


@pytest.mark.parametrize(("kind", "values", "english", "french", "spanish"), RULES, ids=[r[0] for r in RULES])
def test_a_reader_sees_each_rule_s_exception_in_their_language_on_the_page_the_api_and_the_csv(
        network: Network, kind: str, values: dict[str, Any], english: tuple[str, str], french: tuple[str, str],
        spanish: tuple[str, str]) -> None:
    exception = raised(network, kind, values)
    assert (exception.title, exception.detail) == english  # the columns keep the English (search, sort, admin)
    for language, (title, detail) in (("fr", french), ("es", spanish), ("en-gb", english)):
        page, api_title, api_detail, csv_title = read_everywhere(network, exception, language)
        assert f"<h1>{title}</h1>" in page
        assert detail in page
        assert (api_title, api_detail, csv_title) == (title, detail, title)
    with translation.override("fr"):
        assert (exception.title_text, exception.detail_text) == french


def test_the_morning_digest_names_the_exception_in_french(network: Network, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core import mail

    from apps.notifications.digest import digests_send

    settings.TIME_ZONE = "Europe/London"
    raised(network, RULES[1][0], RULES[1][1])  # due 24 h after NOW
    network.manager_a.email = "manager_a@example.com"
    network.manager_a.save()
    speaks(network.manager_a, "fr")
    assert digests_send(now=datetime(2026, 3, 14, 7, 40, tzinfo=UTC)) >= 1
    (body,) = [m.body for m in mail.outbox if m.to == ["manager_a@example.com"]]
    assert "Stock négatif : Baguette : -3 en stock (N01)" in body


def test_the_history_notes_the_portal_writes_are_read_in_french_too(network: Network) -> None:
    kind, values = RULES[0][0], RULES[0][1]
    exception = raised(network, kind, values)
    record = exception.mirror
    assert record is not None
    record.closed_at, record.close_reason = NOW, "deleted"
    record.save()
    records_apply(record.feed, [record], kind=kind, now=NOW)
    page = detail_page(network, exception, "fr")
    assert "Levée : l&#x27;enregistrement a été supprimé dans Odoo." in page
    assert f"Écart de -1{NNBSP}007,50 à N01/Stock" in page  # the opening note, written from the same phrase


def test_a_resync_of_an_unchanged_record_changes_nothing(network: Network) -> None:
    kind, values = RULES[1][0], RULES[1][1]
    exception = raised(network, kind, values)
    with translation.override("fr"):  # a sync run from a French request still stores English
        assert records_apply(exception.mirror.feed, [exception.mirror], kind=kind, now=NOW) == 0  # type: ignore[union-attr]
    exception.refresh_from_db()
    assert exception.title == "Baguette: -3 on hand"


def test_a_snooze_taken_over_from_odoo_reads_in_french_and_survives_a_resync(network: Network) -> None:
    kind, values = RULES[2][0], {**RULES[2][1], "snoozed_until": "2026-03-20"}
    exception = raised(network, kind, values)
    assert exception.status == "snoozed"
    assert exception.snooze_reason == "Snoozed in Odoo until 20 Mar 2026"
    assert "Mise en pause dans Odoo jusqu&#x27;au 20 mars 2026" in detail_page(network, exception, "fr")
    assert records_apply(exception.mirror.feed, [exception.mirror], kind=kind, now=NOW) == 0  # type: ignore[union-attr]


def test_an_exception_made_before_phrases_were_kept_shows_its_english(network: Network) -> None:
    exception = make_exception(network.store_a, title="N01/IN/00007 from Old Farm", detail="Receipt scheduled 3 Jan")
    assert exception.wording == {}
    page = detail_page(network, exception, "fr")
    assert "<h1>N01/IN/00007 from Old Farm</h1>" in page
    assert "Receipt scheduled 3 Jan" in page
