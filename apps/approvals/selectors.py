"""Reads for the inbox and the detail view, always scoped through the choke point."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from apps.approvals import conf
from apps.approvals.models import DECIDED, ApprovalRequest, ApprovalStatus, Decision
from apps.organisation.models import Store
from apps.organisation.roles import Action
from apps.portal.listing import Listing, ListSpec, listing_page
from apps.sync.models import Feed, FeedKind
from apps.writeback.models import IN_FLIGHT, WriteBackStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser

INBOX_PAGE_SIZE = 50  # rows per inbox page: a regional inbox can hold thousands
# The inbox's text search: reference, partner or vendor, kind, store, requester.
SEARCH_FIELDS = ("reference", "partner", "kind_label", "store__code", "store__name", "requester_name")
OPEN_LIST = ListSpec(sorts={"deadline": "deadline", "amount": "amount", "reference": "reference",
                           "store": "store__code", "requested": "requested_at"},
                     default_sort="deadline", search_fields=SEARCH_FIELDS, page_size=INBOX_PAGE_SIZE)
DECIDED_LIST = ListSpec(sorts={"decided": "decided_at", "amount": "amount", "reference": "reference",
                              "store": "store__code"},
                        default_sort="-decided", search_fields=SEARCH_FIELDS, page_size=INBOX_PAGE_SIZE)


@dataclass
class InboxFilters:
    kind: str = ""
    store: str = ""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    overdue: bool = False
    show: str = "open"  # the tab: open (by deadline) or decided (newest decision first)
    errors: list[str] = field(default_factory=list)

    def as_querydict(self) -> QueryDict:
        """The filters (not the search, sort or page) as query parameters."""
        query = QueryDict(mutable=True)
        for key in ("kind", "store"):
            if getattr(self, key):
                query[key] = getattr(self, key)
        for key in ("min_amount", "max_amount"):
            if getattr(self, key) is not None:
                query[key] = str(getattr(self, key))
        if self.overdue:
            query["overdue"] = "1"
        if self.show != "open":
            query["show"] = self.show
        return query

    @property
    def spec(self) -> ListSpec:
        return DECIDED_LIST if self.show == "decided" else OPEN_LIST


def _decimal(raw: str, label: str, errors: list[str]) -> Decimal | None:
    if not raw.strip():
        return None
    try:
        return Decimal(raw.strip())
    except InvalidOperation:
        errors.append(f"{label} must be a number.")
        return None


def inbox_filters_parse(params: QueryDict) -> InboxFilters:
    """Bad filter values are reported and ignored, never a server error."""
    errors: list[str] = []
    show = params.get("show", "open")
    if show == "active":  # the former mixed view: open work comes first now
        show = "open"
    if show not in ("open", "decided"):
        errors.append("Unknown tab; showing open requests.")
        show = "open"
    return InboxFilters(kind=params.get("kind", "")[:50], store=params.get("store", "")[:16],
                        min_amount=_decimal(params.get("min_amount", ""), "Minimum amount", errors),
                        max_amount=_decimal(params.get("max_amount", ""), "Maximum amount", errors),
                        overdue=params.get("overdue") in ("1", "on", "true"), show=show, errors=errors)


def requests_for(user: Person, action: Action = Action.VIEW) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.for_user(user, action)


def _recently_decided(now: Any) -> Q:
    """Decided recently, so the approver sees the write-back reach Odoo, or not in Odoo yet (waiting
    for it, failed or dead-lettered), however old: a decision never leaves the inbox before it is applied."""
    unsettled = (*IN_FLIGHT, WriteBackStatus.FAILED, WriteBackStatus.DEAD)
    return Q(status__in=DECIDED, decided_at__isnull=False) & (
        Q(decided_at__gte=now - timedelta(hours=conf.DECIDED_VISIBLE_HOURS)) | Q(writeback__status__in=unsettled))


def inbox_requests(user: Person, filters: InboxFilters) -> QuerySet[ApprovalRequest]:
    """The user's requests on the chosen tab: open ones, or the recently decided ones."""
    now = timezone.now()
    queryset = requests_for(user)
    if filters.show == "decided":
        queryset = queryset.filter(_recently_decided(now))
    else:
        queryset = queryset.filter(status=ApprovalStatus.OPEN)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.store:
        queryset = queryset.filter(store__code=filters.store)
    if filters.min_amount is not None:
        queryset = queryset.filter(amount__gte=filters.min_amount)
    if filters.max_amount is not None:
        queryset = queryset.filter(amount__lte=filters.max_amount)
    if filters.overdue:
        queryset = queryset.filter(status=ApprovalStatus.OPEN, deadline__lt=now)
    return queryset.select_related("store", "assignee", "writeback")


def inbox_page(user: Person, filters: InboxFilters, params: QueryDict) -> Listing[ApprovalRequest]:
    """One keyset page of the tab, searched and sorted as asked: rendered on the server, never every row."""
    return listing_page(inbox_requests(user, filters), filters.spec, params, filters.as_querydict())


def inbox_counts(user: Person) -> dict[str, Any]:
    """Open, overdue and per-kind counts in one query, and the decided tab's count in another."""
    now = timezone.now()
    open_requests = requests_for(user).filter(status=ApprovalStatus.OPEN)
    rows = list(open_requests.values("kind", "kind_label").annotate(
        total=Count("id"), overdue=Count("id", filter=Q(deadline__lt=now))).order_by("kind"))
    return {"open": sum(row["total"] for row in rows), "overdue": sum(row["overdue"] for row in rows),
            "kinds": rows, "decided": requests_for(user).filter(_recently_decided(now)).count()}


def inbox_choices(user: Person) -> dict[str, Any]:
    """The filter menus: approval kinds and the stores the user can see."""
    kinds = list(Feed.objects.filter(kind=FeedKind.APPROVAL).values_list("slug", "name").order_by("name"))
    stores = list(Store.objects.for_user(user, Action.VIEW).values_list("code", "name").order_by("code"))
    return {"kinds": kinds, "stores": stores}


def request_detail(user: Person, pk: int) -> ApprovalRequest:
    """One request the user may see; raises DoesNotExist (→ 404) outside the scope."""
    return requests_for(user).select_related("store", "store__region", "assignee", "writeback", "mirror",
                                             "feed").get(pk=pk)


def decisions_to_undo(user: Person, ids: set[int]) -> list[Decision]:
    """The person's own decisions among `ids`, on requests they may still decide (the scope choke point)."""
    if not user.is_authenticated:
        return []
    return list(Decision.objects.filter(pk__in=ids, actor_id=user.pk, request__in=requests_for(user, Action.DECIDE))
                .select_related("writeback", "request"))


def request_history(request: ApprovalRequest) -> list[Any]:
    from apps.audit.models import AuditEvent

    return list(AuditEvent.objects.filter(object_type="approvals.approvalrequest", object_id=str(request.pk))
                .select_related("actor").order_by("occurred_at", "id")[:100])
