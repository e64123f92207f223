"""What to know before approving: a short brief beside every approval request, from mirrored data only.

Deterministic (no model, no Odoo call) and cheap: the figures are computed by the database in a fixed
number of queries whatever the data size (one aggregate, then at most four short lists), and every
query goes through the scope choke point, so nobody learns of requests or exceptions they could not
open. Each line of the brief carries the link to its evidence.

- the amount against the store's and the vendor's usual for this kind: median and the last five;
- the requester's recent requests and how they ended;
- open exceptions at the store about the same vendor or product (late receipts, bill mismatches);
- the kind's budget used this month at the store, where one is configured (`CT_APPROVAL_MONTHLY_BUDGETS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from apps.approvals import conf
from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.dashboards.aggregates import Percentile
from apps.odoo_gateway import m2o_id
from apps.operations.models import ACTIVE_STATUSES, ExceptionKind, OpsException
from apps.organisation.roles import Action

RECENT = 5
RELATED_EXCEPTION_KINDS = (ExceptionKind.LATE_RECEIPT, ExceptionKind.BILL_MISMATCH)


@dataclass(frozen=True)
class PastRequest:
    pk: int
    reference: str
    amount: Decimal
    status: str
    status_label: str
    requested_at: datetime
    kind_label: str = ""

    @property
    def url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])


@dataclass(frozen=True)
class Usual:
    """One comparison: the median of the other requests and the last few, with where to see them all."""

    count: int
    median: Decimal | None
    recent: list[PastRequest]
    url: str

    def ratio(self, amount: Decimal) -> Decimal | None:
        """This amount as a multiple of the median (2.0: twice the usual)."""
        if not self.median:
            return None
        return (amount / self.median).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Budget:
    limit: Decimal
    used: Decimal
    url: str

    @property
    def percent_used(self) -> int:
        return int(self.used * 100 / self.limit) if self.limit else 0


@dataclass
class Brief:
    item: ApprovalRequest
    store: Usual
    vendor: Usual | None = None
    requester_recent: list[PastRequest] = field(default_factory=list)
    requester_approved: int = 0
    requester_rejected: int = 0
    requester_url: str = ""
    exceptions: list[OpsException] = field(default_factory=list)
    budget: Budget | None = None

    @property
    def store_ratio(self) -> Decimal | None:
        return self.store.ratio(self.item.amount)

    @property
    def vendor_ratio(self) -> Decimal | None:
        return self.vendor.ratio(self.item.amount) if self.vendor else None


def _inbox_url(**params: str) -> str:
    return f"{reverse('approvals:inbox')}?{urlencode({'show': 'decided', **params})}"


def _past(rows: Any) -> list[PastRequest]:
    labels = dict(ApprovalStatus.choices)
    return [PastRequest(pk=pk, reference=reference, amount=amount, status=status, status_label=str(labels[status]),
                        requested_at=requested_at, kind_label=kind_label)
            for pk, reference, amount, status, requested_at, kind_label in rows]


def _recent(queryset: Any) -> list[PastRequest]:
    return _past(queryset.order_by("-requested_at", "-pk")
                 .values_list("pk", "reference", "amount", "status", "requested_at", "kind_label")[:RECENT])


def month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def approval_brief(user: Any, item: ApprovalRequest, *, now: datetime | None = None) -> Brief:
    """The brief for one request the person may see (fetched through the choke point by the caller)."""
    now = now or timezone.now()
    others = ApprovalRequest.objects.for_user(user, Action.VIEW).exclude(pk=item.pk)
    same_store = Q(kind=item.kind, store_id=item.store_id)
    same_vendor = Q(kind=item.kind, partner=item.partner)
    by_requester = Q(requester_odoo_id=item.requester_odoo_id)
    budget_limit = conf.MONTHLY_BUDGETS.get(item.kind)
    figures = others.aggregate(
        store_count=Count("pk", filter=same_store), store_median=Percentile("amount", 0.5, filter=same_store),
        vendor_count=Count("pk", filter=same_vendor), vendor_median=Percentile("amount", 0.5, filter=same_vendor),
        approved=Count("pk", filter=by_requester & Q(status=ApprovalStatus.APPROVED)),
        rejected=Count("pk", filter=by_requester & Q(status=ApprovalStatus.REJECTED)),
        used=Sum("amount", filter=same_store & Q(status=ApprovalStatus.APPROVED, decided_at__gte=month_start(now))),
    )
    store_filter = {"kind": item.kind, "store": item.store.code}
    brief = Brief(item=item, store=Usual(
        count=figures["store_count"], median=_money(figures["store_median"]),
        recent=_recent(others.filter(same_store)) if figures["store_count"] else [],
        url=_inbox_url(**store_filter)))
    if item.partner:
        brief.vendor = Usual(count=figures["vendor_count"], median=_money(figures["vendor_median"]),
                             recent=_recent(others.filter(same_vendor)) if figures["vendor_count"] else [],
                             url=_inbox_url(kind=item.kind, q=item.partner))
    if item.requester_odoo_id:
        brief.requester_approved, brief.requester_rejected = figures["approved"], figures["rejected"]
        brief.requester_recent = _recent(others.filter(by_requester))
        brief.requester_url = _inbox_url(q=item.requester_name) if item.requester_name else ""
    brief.exceptions = related_exceptions(user, item)
    if budget_limit is not None:
        brief.budget = Budget(limit=budget_limit, used=_money(figures["used"]) or Decimal("0"),
                              url=_inbox_url(**store_filter))
    return brief


def related_exceptions(user: Any, item: ApprovalRequest) -> list[OpsException]:
    """Open late receipts and bill mismatches at the store from the same vendor, or about the same
    product (stock counts), matched on the mirrored records (one query)."""
    match = Q()
    if item.partner:
        match |= Q(mirror__values__partner_id__1=item.partner)
    product = m2o_id(item.mirror.values.get("product_id")) if item.mirror_id and item.mirror else None
    if product:
        match |= Q(mirror__values__product_id__0=product)
    if not match:
        return []
    return list(OpsException.objects.for_user(user, Action.VIEW)
                .filter(status__in=ACTIVE_STATUSES, store_id=item.store_id, kind__in=RELATED_EXCEPTION_KINDS)
                .filter(match)
                .order_by("-severity", "-opened_at", "-pk")[:RECENT])


def _money(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))
