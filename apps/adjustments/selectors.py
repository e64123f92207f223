"""Reads of floor counts: the reasons offered, a person's reports, and the link between a report and
the stock-count approval that Odoo's pending count became."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404
from django.utils import timezone

from apps.adjustments.models import AdjustmentReason, ReportStatus, StockCountReport
from apps.adjustments.services import QUANT
from apps.approvals.models import ApprovalRequest
from apps.organisation.roles import Action
from apps.organisation.scope import stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.db.models import QuerySet

    from apps.organisation.models import Store
    from apps.sync.models import Feed, MirrorRecord

MATCH_DAYS = 14  # a report older than this no longer speaks for a pending count


def reasons_offered() -> QuerySet[AdjustmentReason]:
    return AdjustmentReason.objects.filter(active=True)


def report_stores(user: User | AnonymousUser) -> QuerySet[Store]:
    """The stores a person may report counts for (the scope choke point's OPERATE)."""
    return stores_for(user, Action.OPERATE).order_by("code")


def report_get(user: User | AnonymousUser, pk: int) -> StockCountReport:
    """A report the person may see, else 404 (another store's report does not exist for them)."""
    return get_object_or_404(StockCountReport.objects.for_user(user, Action.VIEW).select_related(
        "store", "reason", "reported_by", "writeback"), pk=pk)


def recent_reports(user: User | AnonymousUser, limit: int = 10) -> list[StockCountReport]:
    return list(StockCountReport.objects.for_user(user, Action.OPERATE).select_related("store", "reason")[:limit])


def approval_for_report(report: StockCountReport) -> ApprovalRequest | None:
    """The stock-count approval Odoo's pending count became (once the sync has brought it)."""
    return (ApprovalRequest.objects.filter(store_id=report.store_id, odoo_model=QUANT, odoo_id=report.quant_odoo_id,
                                           updated_at__gte=report.created_at)
            .select_related("writeback").order_by("-updated_at").first())


def report_for_approval(request: ApprovalRequest) -> StockCountReport | None:
    """The floor report behind a stock-count approval, to show its reason and photo to the decider."""
    if request.odoo_model != QUANT:
        return None
    return (StockCountReport.objects.filter(store_id=request.store_id, quant_odoo_id=request.odoo_id,
                                            created_at__lte=request.decided_at or timezone.now())
            .exclude(status=ReportStatus.FAILED).select_related("reason", "reported_by").first())


def _number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def count_values(feed: Feed, records: Sequence[MirrorRecord]) -> dict[int, Decimal]:
    """The approval policy's amount for counts reported from the floor: the value of the difference.
    Only a report whose count is the one pending in Odoo speaks for it (a later count made in Odoo
    itself is judged as Odoo gives it)."""
    if feed.odoo_model != QUANT:
        return {}
    pending = {record.odoo_id: _number(record.values.get("inventory_quantity")) for record in records
               if record.store_id is not None and record.values.get("inventory_quantity_set")}
    if not pending:
        return {}
    reports = (StockCountReport.objects.filter(quant_odoo_id__in=list(pending),
                                               created_at__gte=timezone.now() - timedelta(days=MATCH_DAYS))
               .exclude(status=ReportStatus.FAILED).order_by("created_at", "id")
               .values_list("quant_odoo_id", "counted", "value"))
    return {quant: value for quant, counted, value in reports if pending.get(quant) == counted}
