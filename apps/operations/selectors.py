"""Reads of exceptions, always through the scope choke point (`OpsException.objects.for_user`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from apps.operations import conf
from apps.operations.models import (
    ACTIVE_STATUSES,
    ExceptionEvent,
    ExceptionKind,
    ExceptionStatus,
    OpsException,
    OpsExceptionQuerySet,
    Severity,
)
from apps.organisation.models import RoleGrant, Store
from apps.organisation.roles import NETWORK_ROLES, Action, Role
from apps.organisation.scope import stores_for
from apps.portal.listing import Listing, ListSpec, listing_page

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

STATUS_FILTERS = {"active": ACTIVE_STATUSES, "all": None, **{s.value: (s.value,) for s in ExceptionStatus}}


def status_filter_choices() -> list[tuple[str, str]]:
    """The status filter's options with words people read, in the filter's order."""
    labels = {"active": gettext("active"), "all": gettext("all"), **dict(ExceptionStatus.choices)}
    return [(value, str(labels[value])) for value in STATUS_FILTERS]
KPI_WINDOW = timedelta(days=30)
# The list's sorts (worst first by default, the oldest of a severity first) and text search.
EXCEPTION_LIST = ListSpec(sorts={"severity": "severity,-opened_at", "opened": "opened_at", "title": "title",
                                 "store": "store__code", "value": "value_at_risk"},
                          default_sort="-severity", search_fields=("title", "detail", "store__code", "store__name"),
                          page_size=conf.PAGE_SIZE)


class FilterError(ValueError):
    """A filter value that is not one of the offered choices (answered with 400)."""


@dataclass(frozen=True)
class ExceptionFilters:
    status: str = "active"
    kind: str = ""
    store: str = ""
    severity: int = 0

    @classmethod
    def from_query(cls, query: Any) -> ExceptionFilters:
        status = query.get("status") or "active"
        if status not in STATUS_FILTERS:
            raise FilterError(gettext("Unknown status filter: use one of %(values)s.")
                              % {"values": ", ".join(STATUS_FILTERS)})
        kind = query.get("kind") or ""
        if kind and kind not in ExceptionKind.values:
            raise FilterError(gettext("Unknown kind: use one of %(values)s.")
                              % {"values": ", ".join(ExceptionKind.values)})
        severity_text = query.get("severity") or "0"
        if not severity_text.isdigit() or int(severity_text) not in (0, *Severity.values):
            raise FilterError(gettext("Severity must be 1 (low) to 4 (critical)."))
        store = (query.get("store") or "").strip()
        if len(store) > 16:
            raise FilterError(gettext("A store code has at most 16 characters."))
        return cls(status=status, kind=kind, store=store, severity=int(severity_text))

    def as_querydict(self) -> QueryDict:
        """The filters (not the search, sort or page) as query parameters."""
        query = QueryDict(mutable=True)
        query["status"] = self.status
        for key in ("kind", "store"):
            if getattr(self, key):
                query[key] = getattr(self, key)
        if self.severity:
            query["severity"] = str(self.severity)
        return query

    def apply(self, queryset: OpsExceptionQuerySet) -> OpsExceptionQuerySet:
        statuses = STATUS_FILTERS[self.status]
        if statuses is not None:
            queryset = queryset.filter(status__in=statuses)
        if self.kind:
            queryset = queryset.filter(kind=self.kind)
        if self.store:
            queryset = queryset.filter(store__code=self.store)
        if self.severity:
            queryset = queryset.filter(severity__gte=self.severity)
        return queryset


def exceptions_for(user: User | AnonymousUser, filters: ExceptionFilters | None = None) -> OpsExceptionQuerySet:
    """The exceptions `user` may see, filtered, worst first, then by deadline."""
    queryset: OpsExceptionQuerySet = OpsException.objects.for_user(user, Action.VIEW)  # type: ignore[assignment]
    if filters is not None:
        queryset = filters.apply(queryset)
    return queryset.select_related("store", "owner").order_by("-severity", "deadline", "-opened_at", "-pk")


def exception_page(user: User | AnonymousUser, filters: ExceptionFilters, params: Any) -> Listing[OpsException]:
    """One keyset page of the list, searched and sorted as asked."""
    return listing_page(exceptions_for(user, filters), EXCEPTION_LIST, params, filters.as_querydict())


def exception_summary(queryset: QuerySet[OpsException]) -> dict[str, int]:
    """Counts for the tiles above the list, in one query."""
    now = timezone.now()
    active = Q(status__in=ACTIVE_STATUSES)
    return queryset.order_by().aggregate(
        active=Count("pk", filter=active),
        critical=Count("pk", filter=active & Q(severity=Severity.CRITICAL)),
        high=Count("pk", filter=active & Q(severity=Severity.HIGH)),
        breached=Count("pk", filter=active & Q(deadline__lt=now)),
        snoozed=Count("pk", filter=Q(status=ExceptionStatus.SNOOZED)),
    )


def exception_kpis(user: User | AnonymousUser) -> dict[str, Any]:
    """Figures over the last 30 days from the kept history: volume, reopen rate, times to act."""
    since = timezone.now() - KPI_WINDOW
    scoped = OpsException.objects.for_user(user, Action.VIEW).filter(opened_at__gte=since).order_by()
    figures = scoped.aggregate(
        opened=Count("pk"),
        reopened=Count("pk", filter=Q(reopened_count__gt=0)),
        auto_closed=Count("pk", filter=Q(status=ExceptionStatus.CLOSED)),
        resolved=Count("pk", filter=Q(status=ExceptionStatus.RESOLVED)),
        to_acknowledge=Avg(ExpressionWrapper(F("acknowledged_at") - F("opened_at"), output_field=DurationField())),
        to_resolve=Avg(ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())),
    )
    return figures


def exception_events(exception: OpsException, limit: int = 100) -> list[ExceptionEvent]:
    return list(exception.events.select_related("actor").order_by("-at", "-pk")[:limit])


def assignees_for(store: Store) -> QuerySet[User]:
    """People who may act for the store: its store managers, its region's managers and HQ."""
    grants = RoleGrant.objects.filter(
        Q(store=store, role=Role.STORE_MANAGER) | Q(region=store.region_id, role=Role.REGIONAL_MANAGER)
        | Q(store__isnull=True, region__isnull=True, role__in=[r for r in NETWORK_ROLES if r == Role.HQ_EXECUTIVE]))
    user_model = get_user_model()
    return user_model.objects.filter(is_active=True, pk__in=grants.values("user")).order_by("username")


def stores_visible(user: User | AnonymousUser) -> QuerySet[Store]:
    return stores_for(user, Action.VIEW).order_by("code")
