"""Health signals are read in each reader's language: labels, rules and details on the health page,
a signal's own page and the JSON endpoint; English readers read what they always read, and a signal
recorded before phrases were kept shows its English."""

from __future__ import annotations

import pytest

from apps.health.models import HealthSignal, SignalCategory, SignalStatus
from tests.factories import Network
from tests.languages import client_speaking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]



@pytest.mark.parametrize(("language", "label", "detail", "rule"), [
    ("fr", "Écritures en attente", "0 en attente, la plus ancienne depuis 0 s", "→ dégradé"),
    ("es", "Escrituras en espera", "0 en espera, la más antigua desde hace 0 s", "→ degradado"),
    ("en-gb", "Write-backs waiting", "0 waiting, oldest 0 s", "→ degraded"),
])
def test_the_health_page_and_a_signal_s_page_speak_the_reader_s_language(network: Network, language: str,
                                                                          label: str, detail: str, rule: str) -> None:
    client = client_speaking(network.ops, language)
    page = client.get("/health/").content.decode()
    assert label in page
    assert detail in page
    signal = HealthSignal.objects.get(key="outbox.depth")
    assert (signal.label, signal.detail) == ("Write-backs waiting", "0 waiting, oldest 0 s")  # English kept
    own = client.get(f"/health/signals/{signal.pk}/").content.decode()
    assert f"<h1>{label}</h1>" in own
    assert rule in own
    (row,) = [s for s in client.get("/health/api/signals/").json()["signals"] if s["key"] == "outbox.depth"]
    assert (row["label"], row["detail"]) == (label, detail)


def test_a_signal_recorded_before_phrases_were_kept_shows_its_english(network: Network) -> None:
    """The Odoo checks run on the worker: the page's own pass leaves their rows as they were."""
    HealthSignal.objects.create(key="odoo.mail", label="Odoo outgoing email", category=SignalCategory.ODOO_MAIL,
                                status=SignalStatus.DEGRADED, rule="mail.mail in exception", detail="3 failed emails")
    page = client_speaking(network.ops, "fr").get("/health/").content.decode()
    assert "3 failed emails" in page
    assert "Odoo outgoing email" in page
    assert "Écritures en attente" in page  # the portal's own signals, read again, are in French
