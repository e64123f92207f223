"""The admin, which operations use to tune rules and replay write-backs, speaks their language: model
names, changelist headings, help texts and actions in French or Spanish; English unchanged."""

from __future__ import annotations

import pytest

from apps.operations.rules import rules_ensure
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.factories import Network
from tests.languages import client_speaking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]



@pytest.mark.parametrize(("language", "rules", "outbox", "index"), [
    ("fr", ["Gravité de base", "Escalade toutes les (heures)", "Valeur critique", "Heures avant échéance"],
     ["Dernière erreur", "Tentatives", "Rejouer les écritures sélectionnées en échec ou abandonnées"],
     ["Exceptions opérationnelles", "Signaux de santé", "Abonnements webhook"]),
    ("es", ["Gravedad base", "Escalar cada (horas)", "Valor crítico", "Horas de plazo"],
     ["Último error", "Intentos", "Reenviar las escrituras seleccionadas fallidas o abandonadas"],
     ["Excepciones operativas", "Señales de estado", "Suscripciones de webhook"]),
    ("en-gb", ["Base severity", "Escalate every hours", "Value critical", "Deadline hours"],
     ["Last error", "Attempts", "Replay the selected failed or dead write-backs"],
     ["Ops exceptions", "Health signals", "Webhook subscriptions"]),
])
def test_operations_read_the_admin_in_their_language(network: Network, language: str, rules: list[str],
                                                     outbox: list[str], index: list[str]) -> None:
    rules_ensure()
    WriteBack.objects.create(kind="adjustments.count_set", idempotency_key="shown", odoo_model="stock.quant",
                             status=WriteBackStatus.DEAD, last_error="Odoo unavailable")
    client = client_speaking(network.ops, language)
    pages = {"rules": "/admin/operations/exceptionrule/", "outbox": "/admin/writeback/writeback/", "index": "/admin/"}
    for name, words in (("rules", rules), ("outbox", outbox), ("index", index)):
        response = client.get(pages[name])
        assert response.status_code == 200
        page = response.content.decode()
        for word in words:
            assert word in page, (name, word)


def test_a_rule_s_form_explains_its_fields_in_french(network: Network) -> None:
    rule = rules_ensure()["late_receipt"]
    page = client_speaking(network.ops, "fr").get(f"/admin/operations/exceptionrule/{rule.pk}/change/").content.decode()
    assert "Réceptions en retard : combien de temps après la date prévue une réception compte comme en retard." in page
    assert "Heures de tolérance" in page
    assert "Late receipts: how long" not in page
