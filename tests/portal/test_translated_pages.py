"""Each person reads the incidents, directives, exceptions, health, API, webhook and integration pages,
their messages and refusals in their own language; the API answers in the caller's language while its
error codes stay the same."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from apps.api.models import ApiToken, TokenAccess
from apps.incidents.models import IncidentStatus
from tests.api.conftest import error_of, token_for
from tests.dashboards import builders
from tests.factories import Network
from tests.languages import speaks
from tests.operations.builders import make_exception

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]


def signed_in(user, language: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(speaks(user, language))
    return client


@pytest.mark.parametrize(("language", "words", "absent"), [
    ("fr", ["Incidents magasin", "Signaler un incident", "Urgence", "Congélateur en panne"], "Report an incident"),
    ("es", ["Buscar", "Informar de una incidencia", "Urgencia", "Congélateur en panne"], "Report an incident"),
])
def test_a_store_manager_reads_the_incident_list_in_their_language(network: Network, language, words, absent) \
        -> None:  # type: ignore[no-untyped-def]
    builders.incident(network.store_a, title="Congélateur en panne", status=IncidentStatus.IN_ODOO)
    page = signed_in(network.manager_a, language).get("/incidents/").content.decode()
    for word in words:
        assert word in page
    assert absent not in page
    assert f'<html lang="{language}">' in page


def test_the_report_form_speaks_french_down_to_its_labels_and_errors(network: Network) -> None:
    client = signed_in(network.manager_a, "fr")
    form = client.get("/incidents/new/").content.decode()
    assert "Qu&#x27;est-ce qui ne va pas ?" in form  # a form label: escaped like any field label
    assert "Quoi va où ?" in form
    assert "Froid" in form  # the taxonomy's help, category names translated
    refused = client.post("/incidents/new/", {"store": network.store_a.pk, "title": "ab"})
    assert "Dites-en un peu plus (au moins 4 caractères)." in refused.content.decode()


def test_the_incident_page_and_its_messages_in_spanish(network: Network) -> None:
    incident = builders.incident(network.store_a, status=IncidentStatus.IN_ODOO, odoo_id=7,
                                 odoo_model="maintenance.request")
    client = signed_in(network.manager_a, "es")
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "En qué punto está" in page
    assert "Con el equipo de mantenimiento" in page
    assert "Añadir" in page
    response = client.post(f"/incidents/{incident.pk}/comments/", {"body": ""})
    assert "Escriba un comentario o añada una foto." in response.content.decode()


def test_exceptions_and_their_refusals_in_french(network: Network) -> None:
    exception = make_exception(network.store_a, opened_at=builders.timezone.now() - timedelta(hours=3))
    client = signed_in(network.hq, "fr")
    page = client.get("/exceptions/").content.decode()
    assert "Exceptions opérationnelles" in page
    assert "Réception en retard" in page
    assert "tous les types" in page
    refused = client.get("/exceptions/?kind=nonsense")
    assert refused.status_code == 400
    assert refused.content.decode().startswith("Type inconnu : utilisez")
    detail = client.get(f"/exceptions/{exception.pk}/").content.decode()
    assert "Valeur en jeu" in detail
    assert "Historique" in detail


def test_directives_health_and_unassigned_in_spanish(network: Network) -> None:
    assert "Todavía no hay directivas." in signed_in(network.hq, "es").get("/directives/").content.decode()
    ops = signed_in(network.ops, "es")
    assert "Escrituras en Odoo para reenviar" in ops.get("/health/").content.decode()
    assert "Todos los registros abiertos tienen tienda." in ops.get("/integration/unassigned/").content.decode()


def test_api_and_webhook_pages_and_their_messages_in_french(network: Network) -> None:
    client = signed_in(network.ops, "fr")
    assert "Vos jetons personnels" in client.get("/api/v1/tokens/ui/").content.decode()
    page = client.get("/webhooks/").content.decode()
    assert "Abonnements webhook" in page
    assert "Créer l'abonnement" in page
    token_for(network.ops)
    token = ApiToken.objects.get(user=network.ops)
    response = client.post(f"/api/v1/tokens/ui/{token.pk}/revoke/", follow=True)
    assert f"Le jeton {token.display} ({token.name}) est révoqué." in response.content.decode()


def test_the_api_answers_in_the_callers_language_with_the_same_codes(network: Network) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(network.manager_a, access=TokenAccess.READ)}",
                    HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post("/api/v1/incidents/", data={"store": network.store_a.pk, "title": "Freezer warm"},
                           content_type="application/json")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "read_only_token"
    assert error["message"] == "Ce jeton est en lecture seule : créez un jeton en lecture et écriture pour " \
                               "modifier quoi que ce soit."
    english = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(network.manager_a, access=TokenAccess.READ)}")
    assert "read-only" in error_of(english.post("/api/v1/incidents/", data={}, content_type="application/json"))[
        "message"]
