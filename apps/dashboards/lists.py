"""The lists on the dashboards: a store's open work, what others did for it, breaches, the approval
inbox summary and workflow health. Every queryset is narrowed to the viewer's stores (`scope.Viewer`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Min, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.dashboards import conf
from apps.dashboards.scope import Viewer
from apps.dashboards.sources import source
from apps.operations.models import ExceptionKind
from apps.organisation.models import RoleGrant, Store
from apps.portal.phrases import Said

if TYPE_CHECKING:
    from apps.audit.models import AuditEvent


@dataclass(frozen=True)
class WorkList:
    """The first `conf.LIST_LIMIT` rows of a list, and how many there are in all."""

    available: bool
    rows: list[Any]
    total: int
    overdue: int = 0


# The store's open-work lists: source, panel order, and the relations the panel and the CSV read.
_STORE_LISTS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "incidents": ("incidents", ("deadline", "-id"), ()),
    "exceptions": ("exceptions", ("-severity", "deadline", "-id"), ("owner",)),
    "requests": ("approvals", ("deadline", "id"), ("assignee",)),
}


def _open_rows(viewer: Viewer, name: str, store: Store) -> QuerySet[Any] | None:
    """The store's open rows of one list, in the panel's order; None when the source is not there."""
    key, order, related = _STORE_LISTS[name]
    work = source(key)
    if work is None:
        return None
    scoped = viewer.narrow(work.model.objects.all(), [store.pk]).filter(work.open_q)
    return scoped.select_related(*related).order_by(*order)


def _open_work(viewer: Viewer, name: str, store: Store) -> WorkList:
    rows = _open_rows(viewer, name, store)
    if rows is None:
        return WorkList(available=False, rows=[], total=0)
    now = timezone.now()
    counts = rows.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)))
    return WorkList(available=True, rows=list(rows[: conf.LIST_LIMIT]), total=counts["total"],
                    overdue=counts["overdue"])


def store_incidents(viewer: Viewer, store: Store) -> WorkList:
    return _open_work(viewer, "incidents", store)


def store_exceptions(viewer: Viewer, store: Store) -> WorkList:
    return _open_work(viewer, "exceptions", store)


def store_requests(viewer: Viewer, store: Store) -> WorkList:
    return _open_work(viewer, "requests", store)


def store_open_rows(viewer: Viewer, store: Store, name: str) -> list[Any]:
    """Every open row of a store list ("incidents", "exceptions", "requests"), not cut at `LIST_LIMIT`,
    in the panel's order: what the CSV export writes."""
    rows = _open_rows(viewer, name, store)
    return [] if rows is None else list(rows)


def store_activity(viewer: Viewer, store: Store, *, every: bool = False) -> list[AuditEvent]:
    """What the region and HQ did for the store lately: decisions, overrides, replays, outcomes; the
    latest `LIST_LIMIT` (the panel) or, with `every`, all of the last `ACTIVITY_DAYS` days (the export).

    Actions of the store's own managers and role changes are left out: the store knows what it did.
    """
    from apps.audit.models import AuditEvent

    since = timezone.now() - timedelta(days=conf.ACTIVITY_DAYS)
    own = RoleGrant.objects.filter(store=store).values("user_id")
    events = viewer.narrow(AuditEvent.objects.all(), [store.pk]).filter(
        occurred_at__gte=since, actor__isnull=False).exclude(actor__in=own).exclude(
        action__startswith="role.")
    events = events.order_by("-occurred_at", "-id")
    return list(events if every else events[: conf.LIST_LIMIT])


@dataclass(frozen=True)
class Breach:
    """An item past its deadline and still open, from any source."""

    source: str
    kind: StrOrPromise
    title: str | Said
    store: Store
    deadline: datetime
    url: str

    @property
    def late_by(self) -> timedelta:
        return timezone.now() - self.deadline


def _unindexed(field: str) -> Any:
    """Order by a column without letting PostgreSQL walk its index.

    Open items are a small recent slice of a table whose deadline index mostly holds closed work: in
    deadline order the planner would read through a year of closed rows to find 25 open ones. Ordered
    by an expression, it takes the open rows (status index) and sorts those (top-N heapsort).
    """
    return ExpressionWrapper(F(field) + Value(timedelta(0)), output_field=DateTimeField()).asc()


_BREACH_LABELS = {
    "approvals": lambda item: (item.kind_label, item.reference),
    "incidents": lambda item: (format_lazy(gettext_lazy("Incident: {category}"), category=item.get_category_display()),
                               item.title),
    # the kind's lazy label and the title's phrase: the list is cached for readers of every language
    "exceptions": lambda item: (ExceptionKind(item.kind).label, item.title_said()),
}


def breaches(viewer: Viewer, stores: list[int] | None = None) -> tuple[list[Breach], dict[str, int]]:
    """The longest-overdue items across sources (first `LIST_LIMIT`), and the count per source."""
    now = timezone.now()
    rows: list[Breach] = []
    counts: dict[str, int] = {}
    for key in ("approvals", "incidents", "exceptions"):
        work = source(key)
        if work is None:
            continue
        scoped = viewer.narrow(work.model.objects.all(), stores).filter(work.open_q, deadline__lt=now)
        items = list(scoped.select_related("store__region").order_by(_unindexed("deadline"), "pk")
                     [: conf.LIST_LIMIT])
        counts[key] = scoped.order_by().count()
        for item in items:
            kind, title = _BREACH_LABELS[key](item)
            rows.append(Breach(source=key, kind=kind, title=title, store=item.store, deadline=item.deadline,
                               url=reverse(work.detail_url, args=[item.pk])))
    rows.sort(key=lambda breach: breach.deadline)
    return rows[: conf.LIST_LIMIT], counts


@dataclass(frozen=True)
class InboxSummary:
    available: bool
    open: int = 0
    overdue: int = 0
    due_soon: int = 0
    next_deadline: datetime | None = None
    kinds: tuple[dict[str, Any], ...] = ()
    urgent: tuple[Any, ...] = ()


def inbox_summary(viewer: Viewer, stores: list[int]) -> InboxSummary:
    """Open approval requests of these stores: per kind, overdue, due within a day, the most urgent."""
    work = source("approvals")
    if work is None:
        return InboxSummary(available=False)
    now = timezone.now()
    scoped = viewer.narrow(work.model.objects.all(), stores).filter(work.open_q).order_by()
    soon = Q(deadline__gte=now, deadline__lt=now + timedelta(days=1))
    kinds = tuple(scoped.values("kind", "kind_label").annotate(
        total=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=now)), due_soon=Count("pk", filter=soon),
        next_deadline=Min("deadline")).order_by("kind_label"))
    urgent = tuple(scoped.select_related("store").order_by("deadline", "pk")[:5])
    return InboxSummary(available=True, open=sum(k["total"] for k in kinds),
                        overdue=sum(k["overdue"] for k in kinds), due_soon=sum(k["due_soon"] for k in kinds),
                        next_deadline=min((k["next_deadline"] for k in kinds), default=None),
                        kinds=kinds, urgent=urgent)


@dataclass(frozen=True)
class HealthSummary:
    available: bool
    groups: tuple[Any, ...] = ()
    worst: str = "ok"
    writebacks: dict[str, int] | None = None


def health_summary(viewer: Viewer) -> HealthSummary:
    """Workflow health by category (worst first) and the write-back queue, for the HQ dashboard."""
    try:
        from apps.health.models import STATUS_RANK, SignalStatus
        from apps.health.selectors import current_signals, grouped
    except ImportError:
        return HealthSummary(available=False)
    from apps.writeback.models import IN_FLIGHT, WriteBack, WriteBackStatus

    groups = tuple(sorted(grouped(current_signals()), key=lambda group: -STATUS_RANK[SignalStatus(group.status)]))
    pending = IN_FLIGHT
    stuck = (WriteBackStatus.FAILED, WriteBackStatus.DEAD, WriteBackStatus.CONFLICT)
    writebacks = viewer.narrow(WriteBack.objects.all()).order_by().aggregate(
        pending=Count("pk", filter=Q(status__in=pending)), stuck=Count("pk", filter=Q(status__in=stuck)))
    return HealthSummary(available=True, groups=groups, worst=groups[0].status if groups else "ok",
                         writebacks=writebacks)
