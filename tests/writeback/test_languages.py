"""A write-back's error is read in each reader's language: the executor's refusal is kept as a phrase
beside its English, shown in French on the health page's list of write-backs to replay and in the
admin's replay message; an error Odoo sent stays as Odoo wrote it."""

from __future__ import annotations

import pytest

from apps.adjustments.services import COUNT_SET_WRITEBACK
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_enqueue, writeback_run
from tests.factories import Network
from tests.languages import client_speaking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]



def refused(network: Network) -> WriteBack:
    """A stock count whose write-back names no quant: the count executor refuses it before calling Odoo."""
    writeback = writeback_enqueue(kind=COUNT_SET_WRITEBACK, idempotency_key="count-without-quant",
                                  odoo_model="stock.quant", odoo_id=None, payload={"inventory_quantity": 4},
                                  store=network.store_a, created_by=network.manager_a)
    writeback_run(writeback.pk)  # as the worker would (already done when the enqueue committed)
    done = WriteBack.objects.get(pk=writeback.pk)
    assert done.status == WriteBackStatus.FAILED
    return done


@pytest.mark.parametrize(("language", "words"), [
    ("fr", "L&#x27;écriture ne nomme aucun quant de stock."),
    ("es", "La escritura no indica ningún quant de stock."),
    ("en-gb", "The write-back names no stock quant."),
])
def test_a_refused_write_back_reads_in_the_reader_s_language(network: Network, language: str, words: str) -> None:
    writeback = refused(network)
    assert writeback.last_error == "The write-back names no stock quant."  # the English stays (search, audit)
    page = client_speaking(network.ops, language).get("/health/").content.decode()
    assert words in page


@pytest.mark.django_db(transaction=True)  # the replay commits, and the worker takes it, while the page waits
def test_the_admin_says_where_a_replayed_write_back_ended_in_french(network: Network, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.messages import get_messages

    from apps.writeback.tasks import apply_writeback

    monkeypatch.setattr(apply_writeback, "delay", writeback_run)
    writeback = refused(network)
    response = client_speaking(network.ops, "fr").post("/admin/writeback/writeback/", {
        "action": "replay", "_selected_action": [writeback.pk]})
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"Écriture {writeback.pk} (stock.quant) : de nouveau échoué : "
                     "L'écriture ne nomme aucun quant de stock."]


def test_an_error_odoo_sent_stays_as_odoo_wrote_it(network: Network) -> None:
    writeback = refused(network)
    WriteBack.objects.filter(pk=writeback.pk).update(last_error="ValidationError: Le lot est verrouillé",
                                                     error_wording={})
    page = client_speaking(network.ops, "es").get("/health/").content.decode()
    assert "ValidationError: Le lot est verrouillé" in page
