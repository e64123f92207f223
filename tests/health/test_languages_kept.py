"""Texts the portal keeps and shows later on the health page — readiness findings, its own sync run
errors with the run's kind, webhook rejection details — are read in each reader's language, while
the English columns (the admin, search) and English readers keep what they always read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from apps.health.models import HealthSignal
from apps.health.services import readiness_record
from apps.integration.selectors import readiness_check
from apps.sync.feeds import feeds_ensure
from apps.sync.hints import hint_path
from apps.sync.lease import Lease
from apps.sync.models import Feed, FeedKind, RunKind, RunStatus, SyncRun, WebhookRejection
from tests.factories import Network
from tests.languages import client_speaking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]


def page(network: Network, language: str) -> str:
    return client_speaking(network.ops, language).get("/health/").content.decode()


@pytest.mark.parametrize(("language", "finding", "summary"), [
    ("fr", "Flux ghost-feed : Odoo n\u2019a pas de modèle x_ghost.record", "avertissement"),
    ("es", "Flujo ghost-feed: Odoo no tiene el modelo x_ghost.record", "advertencia"),
    ("en-gb", "Feed ghost-feed: Odoo has no model x_ghost.record", "warning"),
])
def test_a_readiness_finding_is_read_in_the_reader_s_language(odoo: Any, network: Network, language: str,
                                                              finding: str, summary: str) -> None:
    Feed.objects.create(slug="ghost-feed", name="Ghost", kind=FeedKind.EXCEPTION, odoo_model="x_ghost.record",
                        enabled=True)
    readiness_record(readiness_check(odoo))
    signal = HealthSignal.objects.get(key="odoo.readiness")
    assert "Feed ghost-feed: Odoo has no model x_ghost.record" in signal.detail  # the English column
    assert "Feed ghost-feed: Odoo has no model x_ghost.record" in signal.data["warnings"]
    shown = page(network, language)
    assert finding in shown
    assert summary in shown


def _interrupted_run() -> SyncRun:
    """A worker died holding the feed: the next run takes the lapsed lease over."""
    feeds_ensure()
    purchase = Feed.objects.get(slug="purchase-orders")
    dead = SyncRun.objects.create(feed=purchase, kind=RunKind.FULL, started_at=timezone.now() - timedelta(minutes=5))
    Feed.objects.filter(pk=purchase.pk).update(lease_run=dead, running_since=dead.started_at,
                                                lease_expires_at=timezone.now() - timedelta(seconds=30))
    taker = SyncRun.objects.create(feed=purchase, kind=RunKind.INCREMENTAL)
    assert Lease.claim(Feed.objects.get(pk=purchase.pk), taker) is not None
    taker.close()
    dead.refresh_from_db()
    assert dead.status == RunStatus.INTERRUPTED
    return dead


@pytest.mark.parametrize(("language", "words"), [
    ("fr", ["(Complète) : Interrompue : la synchronisation a cessé de renouveler son bail",
            "a repris le flux depuis le dernier lot appliqué"]),
    ("es", ["(Completa): Interrumpida: la sincronización dejó de renovar su concesión",
            "tomó el flujo desde el último lote aplicado"]),
    ("en-gb", ["(Full): Interrupted: the run stopped renewing its lease",
               "took the feed over from the last applied batch"]),
])
def test_a_portal_made_sync_error_and_its_run_s_kind_are_read_in_the_reader_s_language(
        network: Network, language: str, words: list[str]) -> None:
    dead = _interrupted_run()
    assert dead.error.startswith("Interrupted: the run stopped renewing its lease")  # English kept for the admin
    shown = page(network, language)
    for part in words:
        assert part in shown


@pytest.mark.parametrize(("language", "detail"), [
    ("fr", "dernier (malformed) : Le corps n\u2019est pas du JSON."),
    ("es", "el último (malformed): El cuerpo no es JSON."),
    ("en-gb", "latest (malformed): Body is not JSON."),
])
def test_a_hint_rejection_detail_is_read_in_the_reader_s_language(network: Network, settings: Any,
                                                                  language: str, detail: str) -> None:
    settings.CT_WEBHOOK_SECRET = ""
    cache.clear()
    response = Client(REMOTE_ADDR="203.0.113.9").post(hint_path(), data=b"not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "Body is not JSON."  # the sender reads English
    assert WebhookRejection.objects.get(reason="malformed").detail == "Body is not JSON."
    assert detail in page(network, language)
