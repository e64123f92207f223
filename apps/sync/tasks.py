"""Celery tasks: thin wrappers that call the sync services."""

from __future__ import annotations

from celery import shared_task

from apps.odoo_gateway import OdooError
from apps.sync import services


@shared_task(name="sync.sync_all_feeds", ignore_result=True)
def sync_all_feeds() -> None:
    services.feeds_sync_all()


@shared_task(name="sync.reconcile_all_feeds", ignore_result=True)
def reconcile_all_feeds() -> None:
    services.feeds_reconcile_all()


@shared_task(name="sync.prune_runs", ignore_result=True)
def prune_runs() -> None:
    services.runs_prune()


@shared_task(name="sync.refetch_hinted", ignore_result=True, bind=True, max_retries=5)
def refetch_hinted(self) -> None:  # type: ignore[no-untyped-def]
    try:
        services.hinted_refetch()
    except OdooError as exc:
        # Odoo is down: the hints stay pending; polling also picks them up.
        raise self.retry(exc=exc, countdown=min(60, 2 ** self.request.retries)) from exc
