"""Reads for store incidents. Every queryset that reaches a person is scoped with `.for_user`."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, QueryDict

from apps.incidents.executors import create_key
from apps.incidents.models import (
    OPEN_STATUSES,
    IncidentComment,
    IncidentOverride,
    IncidentPhoto,
    StoreIncident,
)
from apps.incidents.odoo_records import team_option
from apps.organisation.models import Store
from apps.organisation.roles import Action
from apps.organisation.scope import can, stores_for
from apps.portal.listing import Listing, ListSpec, listing_page
from apps.sync.models import FeedKind, MirrorRecord
from apps.writeback.models import WriteBack

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser

SHOW_CHOICES = ("open", "closed", "all")
# The incident list's search (reference, title, store, equipment, Odoo stage), sorts and page size.
INCIDENT_LIST = ListSpec(sorts={"deadline": "deadline", "reported": "created_at", "title": "title",
                                "store": "store__code"},
                         default_sort="deadline",
                         search_fields=("reference", "title", "store__code", "store__name", "equipment_ref",
                                        "odoo_stage"), page_size=50)


@dataclass(frozen=True)
class IncidentFilters:
    store_id: int | None = None
    show: str = "open"
    manual_only: bool = False

    def query(self) -> str:
        return self.as_querydict().urlencode()

    def as_querydict(self) -> QueryDict:
        """The filters (not the search, sort or page) as query parameters."""
        query = QueryDict(mutable=True)
        query["show"] = self.show
        if self.store_id:
            query["store"] = str(self.store_id)
        if self.manual_only:
            query["manual"] = "1"
        return query


def filters_parse(params: dict[str, str]) -> IncidentFilters:
    """Lenient: a filter that makes no sense is ignored, never an error page."""
    store = params.get("store", "")
    show = params.get("show", "open")
    return IncidentFilters(store_id=int(store) if store.isdigit() else None,
                           show=show if show in SHOW_CHOICES else "open", manual_only=params.get("manual") == "1")


def incidents_visible(user: Person) -> bool:
    return stores_for(user, Action.VIEW).exists()


def report_stores(user: Person) -> QuerySet[Store]:
    """Stores the person may report incidents for (their own store first in the form)."""
    return stores_for(user, Action.OPERATE).select_related("region").order_by("code")


def filter_stores(user: Person) -> list[Store]:
    return list(stores_for(user, Action.VIEW).order_by("code")[:500])


def incidents_for(user: Person, filters: IncidentFilters, params: QueryDict) -> Listing[StoreIncident]:
    """One keyset page of the person's incidents, filtered, searched and sorted as asked (closed
    ones newest first unless another sort is asked for)."""
    incidents = StoreIncident.objects.for_user(user, Action.VIEW).select_related("store")
    if filters.store_id:
        incidents = incidents.filter(store_id=filters.store_id)
    if filters.show == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif filters.show == "closed":
        incidents = incidents.exclude(status__in=OPEN_STATUSES)
    if filters.manual_only:
        incidents = incidents.filter(needs_manual_triage=True)
    spec = INCIDENT_LIST if filters.show == "open" else dataclasses.replace(INCIDENT_LIST, default_sort="-reported")
    return listing_page(incidents.annotate(photo_count=Count("photos")), spec, params, filters.as_querydict())


def incident_get(user: Person, pk: int) -> StoreIncident:
    """An incident the person may see; anything else is a 404, so its existence does not leak."""
    incident = StoreIncident.objects.for_user(user, Action.VIEW).select_related("store", "submitted_by").filter(
        pk=pk).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident


def incident_require(user: Person, incident: StoreIncident, action: Action) -> None:
    """The access helper of the write views: seen but not allowed → a 403 that says what is missing."""
    if can(user, action, incident.store):
        return
    if action == Action.DECIDE:
        raise PermissionDenied("Overrides need a regional manager or HQ role for this store.")
    raise PermissionDenied(f"Commenting needs a store manager or regional role for {incident.store}.")


def photo_get(user: Person, photo_id: uuid.UUID | str) -> IncidentPhoto:
    photo = IncidentPhoto.objects.for_user(user, Action.VIEW).filter(pk=photo_id).first()
    if photo is None:
        raise Http404("No such photo.")
    return photo


def team_choices(incident: StoreIncident, *, sample: int = 500) -> list[tuple[int, str]]:
    """Teams (or projects) that records of the same Odoo model are assigned to, from the mirror: the
    choices of a reassignment, without a round trip to Odoo while the page renders."""
    values = (MirrorRecord.objects.filter(feed__kind=FeedKind.INCIDENT, feed__odoo_model=incident.odoo_model)
              .order_by("-synced_at").values_list("values", flat=True)[:sample])
    options = {option for row in values if (option := team_option(incident.odoo_model, row))}
    return sorted(options, key=lambda option: option[1].lower())


def duplicate_choices(incident: StoreIncident, *, limit: int = 50) -> list[StoreIncident]:
    return list(StoreIncident.objects.filter(store_id=incident.store_id).exclude(pk=incident.pk)
                .order_by("-created_at")[:limit])


@dataclass
class IncidentDetail:
    incident: StoreIncident
    photos: list[IncidentPhoto]
    comments: list[IncidentComment]
    overrides: list[IncidentOverride]
    delivery: WriteBack | None
    can_comment: bool
    can_override: bool
    team_choices: list[tuple[int, str]] = field(default_factory=list)
    duplicate_choices: list[StoreIncident] = field(default_factory=list)


def incident_detail(user: Person, pk: int) -> IncidentDetail:
    incident = incident_get(user, pk)
    can_override = incident.is_open and can(user, Action.DECIDE, incident.store)
    return IncidentDetail(
        incident=incident,
        photos=list(incident.photos.all()),
        comments=list(incident.comments.select_related("author", "writeback").prefetch_related("photos")),
        overrides=list(incident.overrides.select_related("actor", "writeback")),
        delivery=WriteBack.objects.filter(idempotency_key=create_key(incident)).first(),
        can_comment=incident.is_open and can(user, Action.OPERATE, incident.store),
        can_override=can_override,
        team_choices=team_choices(incident) if can_override else [],
        duplicate_choices=duplicate_choices(incident) if can_override else [],
    )
