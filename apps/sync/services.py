"""Entry points of the sync engine used by tasks, commands and views."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.odoo_gateway import OdooError, OdooGateway, get_gateway
from apps.sync import conf
from apps.sync.engine import feed_reconcile, feed_sync, refetch_by_id
from apps.sync.hints import SCHEDULED_FLAG
from apps.sync.models import Feed, PendingRefetch, RunKind, RunStatus, SyncRun


def feeds_sync_all(*, gateway: OdooGateway | None = None) -> list[SyncRun]:
    """One incremental pass of every enabled feed; pending hints are applied first."""
    gateway = gateway or get_gateway()
    hinted_refetch(gateway=gateway)
    return [feed_sync(feed, gateway=gateway) for feed in Feed.objects.filter(enabled=True)]


def feeds_reconcile_all(*, gateway: OdooGateway | None = None) -> list[SyncRun]:
    gateway = gateway or get_gateway()
    return [feed_reconcile(feed, gateway=gateway) for feed in Feed.objects.filter(enabled=True)]


def hinted_refetch(*, gateway: OdooGateway | None = None) -> int:
    """Refetch every hinted record by id, one batched read per feed, each recorded as a run of kind
    `hint` (counts, round trips, outcome) beside the polls; returns how many records were hinted.

    A model's hints are deleted once every feed of it has applied them; a hint arriving meanwhile
    (its `hints` count moved) stays for the next pass. If Odoo fails, the run is recorded as failed,
    the hints stay pending and the error is raised for the task to retry.
    """
    gateway = gateway or get_gateway()
    cache.delete(SCHEDULED_FLAG)
    pending = list(PendingRefetch.objects.order_by("hinted_at", "pk")[:5000])
    by_model: dict[str, list[PendingRefetch]] = {}
    for row in pending:
        by_model.setdefault(row.odoo_model, []).append(row)
    for model, rows in by_model.items():
        ids = sorted({row.odoo_id for row in rows})
        for feed in Feed.objects.filter(odoo_model=model, enabled=True):
            _hint_run(feed, ids, gateway=gateway)
        with transaction.atomic():
            for row in rows:
                PendingRefetch.objects.filter(pk=row.pk, hints=row.hints).delete()
    return len(pending)


def _hint_run(feed: Feed, ids: list[int], *, gateway: OdooGateway) -> SyncRun:
    """One feed's refetch of hinted ids. Hints never take the feed's lease: they read by id, and a
    row older than the mirrored copy is ignored, so they cannot undo a poll running beside them."""
    run = SyncRun.objects.create(feed=feed, kind=RunKind.HINT, total_expected=len(ids))
    calls_before = gateway.rpc_count
    try:
        refetch_by_id(feed, ids, gateway=gateway, run=run)
    except OdooError as exc:
        run.rpc_calls = gateway.rpc_count - calls_before
        run.close(error=f"{type(exc).__name__}: {exc}")
        raise
    run.rpc_calls = gateway.rpc_count - calls_before
    run.close()
    return run


PRUNE_CHUNK = 5_000


def runs_prune(*, now: datetime | None = None) -> int:
    """Delete finished runs older than `CT_SYNC_RUN_HISTORY_DAYS`, a chunk per statement (short locks, no
    long transaction); each feed's latest run and any run holding a lease stay. Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=conf.RUN_HISTORY_DAYS)
    kept = {pk for pk in Feed.objects.values_list("lease_run_id", flat=True) if pk is not None}
    kept |= {run["latest"] for run in SyncRun.objects.order_by().values("feed_id").annotate(latest=Max("pk"))}
    old = SyncRun.objects.filter(started_at__lt=cutoff).exclude(status=RunStatus.RUNNING).exclude(pk__in=kept)
    deleted = 0
    while chunk := list(old.order_by("pk").values_list("pk", flat=True)[:PRUNE_CHUNK]):
        deleted += SyncRun.objects.filter(pk__in=chunk).delete()[0]
    return deleted
