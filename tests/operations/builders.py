"""Helpers for exception tests: feeds, syncing against the sandbox, and ready-made exceptions."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from apps.operations.models import ExceptionKind, ExceptionStatus, OpsException, Severity
from apps.operations.rules import rules_ensure
from apps.organisation.models import Store
from apps.sync.engine import feed_reconcile, feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, RunStatus, SyncRun

NETWORK_WAREHOUSES = {2, 3, 10, 11}  # the stores of tests.factories.make_network
_ids = itertools.count(900_000)


def feeds_ready() -> None:
    feeds_ensure()
    rules_ensure()


def sync(slug: str, gateway: Any, *, reconcile: bool = False) -> SyncRun:
    feed = Feed.objects.get(slug=slug)
    run = feed_reconcile(feed, gateway=gateway) if reconcile else feed_sync(feed, gateway=gateway)
    assert run.status == RunStatus.OK, run.error
    return run


def exceptions_of(kind: str) -> dict[int, OpsException]:
    return {e.odoo_id: e for e in OpsException.objects.filter(kind=kind).select_related("store")}


def make_exception(store: Store, **fields: Any) -> OpsException:
    """An exception as the projector would leave it, without going through Odoo (view tests)."""
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": ExceptionKind.LATE_RECEIPT, "odoo_model": "stock.picking", "odoo_id": next(_ids),
        "title": f"{store.code}/IN/00042 from Fresh Fields", "detail": "Receipt scheduled yesterday",
        "severity": Severity.MEDIUM, "status": ExceptionStatus.OPEN, "opened_at": now - timedelta(hours=3),
        "started_at": now - timedelta(hours=5), "deadline": now + timedelta(hours=5),
        "value_at_risk": Decimal("0"),
    }
    values.update(fields)
    return OpsException.objects.create(store=store, **values)
