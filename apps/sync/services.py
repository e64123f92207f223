"""Entry points of the sync engine used by tasks, commands and views."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from apps.odoo_gateway import OdooGateway, get_gateway
from apps.sync.engine import feed_reconcile, feed_sync, refetch_by_id
from apps.sync.hints import SCHEDULED_FLAG
from apps.sync.models import Feed, PendingRefetch, SyncRun


def feeds_sync_all(*, gateway: OdooGateway | None = None) -> list[SyncRun]:
    """One incremental pass of every enabled feed; pending hints are applied first."""
    gateway = gateway or get_gateway()
    hinted_refetch(gateway=gateway)
    return [feed_sync(feed, gateway=gateway) for feed in Feed.objects.filter(enabled=True)]


def feeds_reconcile_all(*, gateway: OdooGateway | None = None) -> list[SyncRun]:
    gateway = gateway or get_gateway()
    return [feed_reconcile(feed, gateway=gateway) for feed in Feed.objects.filter(enabled=True)]


def hinted_refetch(*, gateway: OdooGateway | None = None) -> int:
    """Refetch every hinted record by id, one batched read per feed; returns how many were hinted.

    Rows are taken and deleted in one transaction, so a hint arriving meanwhile stays for the next
    pass; if Odoo fails, the rows are put back by the rollback.
    """
    gateway = gateway or get_gateway()
    cache.delete(SCHEDULED_FLAG)
    with transaction.atomic():
        pending = list(PendingRefetch.objects.select_for_update().all()[:5000])
        by_model: dict[str, list[int]] = {}
        for row in pending:
            by_model.setdefault(row.odoo_model, []).append(row.odoo_id)
        for model, ids in by_model.items():
            for feed in Feed.objects.filter(odoo_model=model, enabled=True):
                refetch_by_id(feed, sorted(set(ids)), gateway=gateway)
        for row in pending:
            # A hint that arrived for the same record while we fetched bumped `hints`: keep it for the
            # next pass instead of deleting it with the one we handled.
            PendingRefetch.objects.filter(pk=row.pk, hints=row.hints).delete()
    return len(pending)
