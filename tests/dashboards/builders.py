"""Dashboard test data: approval requests, incidents and exceptions in given states, in bulk.

Rows are made as their projectors and services leave them (the dashboards only read them); the
sandbox end-to-end test builds them through the real sync instead. After each row the rollup refresh
runs, as the worker would before anyone looks.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.dashboards.rollups import rollups_refresh
from apps.directives.models import CopyStatus, Directive, DirectiveStatus, StoreDirective
from apps.incidents.models import IncidentStatus, StoreIncident
from apps.operations.models import ExceptionKind, ExceptionStatus, OpsException, Severity
from apps.organisation.models import Store
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, MirrorRecord

_ids = itertools.count(700_000)
HOUR = timedelta(hours=1)


_T = TypeVar("_T")


_batch = {"open": False}


def _rolled(row: _T) -> _T:
    if not _batch["open"]:
        rollups_refresh()
    return row


def _feed() -> Feed:
    feeds_ensure()
    return Feed.objects.get(slug="purchase-orders")


def approval(store: Store, *, reference: str = "", requested_ago: timedelta = 5 * HOUR,
             decided_after: timedelta | None = None, sla: timedelta = 24 * HOUR, status: str = "",
             now: datetime | None = None, amount: str = "100.00") -> ApprovalRequest:
    """Requested `requested_ago` before now, due `sla` after the request, decided `decided_after` it."""
    now = now or timezone.now()
    feed, odoo_id = _feed(), next(_ids)
    requested = now - requested_ago
    mirror = MirrorRecord.objects.create(feed=feed, odoo_id=odoo_id, store=store, values={"name": reference},
                                         odoo_write_date=requested)
    decided = requested + decided_after if decided_after is not None else None
    return _rolled(ApprovalRequest.objects.create(
        mirror=mirror, feed=feed, kind=feed.slug, kind_label=feed.name, store=store, odoo_model="purchase.order",
        odoo_id=odoo_id, reference=reference or f"P{odoo_id}", amount=Decimal(amount), requested_at=requested,
        deadline=requested + sla, decided_at=decided,
        status=status or (ApprovalStatus.APPROVED if decided else ApprovalStatus.OPEN)))


def incident(store: Store, *, title: str = "Freezer warm", created_ago: timedelta = 5 * HOUR,
             resolved_after: timedelta | None = None, sla: timedelta = 24 * HOUR, category: str = "facilities",
             now: datetime | None = None, **fields: Any) -> StoreIncident:
    now = now or timezone.now()
    created = now - created_ago
    closed = created + resolved_after if resolved_after is not None else None
    values: dict[str, Any] = {"status": IncidentStatus.RESOLVED if closed else IncidentStatus.IN_ODOO}
    values.update(fields)
    return _rolled(StoreIncident.objects.create(store=store, category=category, urgency="medium", title=title,
                                        created_at=created, deadline=created + sla, closed_at=closed, **values))


def exception(store: Store, *, title: str = "Late receipt", opened_ago: timedelta = 5 * HOUR,
              resolved_after: timedelta | None = None, sla: timedelta = 24 * HOUR,
              now: datetime | None = None, **fields: Any) -> OpsException:
    now = now or timezone.now()
    opened = now - opened_ago
    resolved = opened + resolved_after if resolved_after is not None else None
    values: dict[str, Any] = {"status": ExceptionStatus.RESOLVED if resolved else ExceptionStatus.OPEN}
    values.update(fields)
    return _rolled(OpsException.objects.create(
        store=store, kind=ExceptionKind.LATE_RECEIPT, odoo_model="stock.picking", odoo_id=next(_ids), title=title,
        severity=Severity.MEDIUM, opened_at=opened, started_at=opened, deadline=opened + sla, resolved_at=resolved,
        **values))


def directive_copy(store: Store, *, due_ago: timedelta, submitted_after: timedelta | None = None,
                   approved_after: timedelta | None = None, directive: Directive | None = None,
                   now: datetime | None = None) -> StoreDirective:
    """A published directive's copy for `store`, due `due_ago` before now; submitted and approved
    `submitted_after` / `approved_after` the due time (negative: before it)."""
    now = now or timezone.now()
    due = now - due_ago
    directive = directive or Directive.objects.create(title="Spring end-caps", status=DirectiveStatus.PUBLISHED,
                                                      due_on=due.date(), published_at=due - 48 * HOUR)
    submitted = due + submitted_after if submitted_after is not None else None
    approved = due + approved_after if approved_after is not None else None
    status = (CopyStatus.APPROVED if approved else CopyStatus.IN_REVIEW if submitted else CopyStatus.NOT_STARTED)
    return _rolled(StoreDirective.objects.create(directive=directive, store=store, due_at=due, status=status,
                                                 submitted_at=submitted, approved_at=approved))


def mixed(stores: list[Store], size: int) -> None:
    """`size` of each kind of item per store: open, overdue, decided on time and late, in both periods
    (one rollup refresh after them all)."""
    _batch["open"] = True
    try:
        _mixed(stores, size)
    finally:
        _batch["open"] = False
    rollups_refresh()


def _mixed(stores: list[Store], size: int) -> None:
    for store in stores:
        for i in range(size):
            tag = f"{store.code}-{i}"
            approval(store, reference=f"REQ-{tag}")
            approval(store, reference=f"LATE-{tag}", requested_ago=30 * HOUR)
            approval(store, reference=f"DONE-{tag}", requested_ago=40 * HOUR, decided_after=(i + 2) * HOUR)
            approval(store, reference=f"OLD-{tag}", requested_ago=10 * 24 * HOUR, decided_after=30 * HOUR)
            incident(store, title=f"Incident of {tag}")
            incident(store, title=f"Overdue incident of {tag}", created_ago=30 * HOUR)
            incident(store, title=f"Fixed incident of {tag}", created_ago=50 * HOUR, resolved_after=(i + 1) * HOUR,
                     category="compliance")
            exception(store, title=f"Exception of {tag}")
            exception(store, title=f"Closed exception of {tag}", opened_ago=20 * HOUR, resolved_after=2 * HOUR)
