"""Reads for store incidents. Every queryset that reaches a person is scoped with `.for_user`."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext

from apps.incidents.executors import create_key
from apps.incidents.models import (
    OPEN_STATUSES,
    IncidentComment,
    IncidentMessage,
    IncidentOverride,
    IncidentPhoto,
    StoreIncident,
)
from apps.incidents.odoo_records import team_option
from apps.incidents.services.confirmation import awaiting_answer
from apps.organisation.models import Store
from apps.organisation.roles import Action
from apps.organisation.scope import can, has_network_scope, stores_for
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
    """One keyset page of the person's incidents, filtered, searched and sorted as asked (newest
    first unless another sort is asked for: the report a person just made is at the top)."""
    incidents = StoreIncident.objects.for_user(user, Action.VIEW).select_related("store")
    if filters.store_id:
        incidents = incidents.filter(store_id=filters.store_id)
    if filters.show == "open":
        incidents = incidents.filter(status__in=OPEN_STATUSES)
    elif filters.show == "closed":
        incidents = incidents.exclude(status__in=OPEN_STATUSES)
    if filters.manual_only:
        incidents = incidents.filter(needs_manual_triage=True)
    spec = dataclasses.replace(INCIDENT_LIST, default_sort="-reported")
    return listing_page(incidents.annotate(photo_count=Count("photos")), spec, params, filters.as_querydict())


def incident_get(user: Person, pk: int) -> StoreIncident:
    """An incident the person may see; anything else is a 404, so its existence does not leak."""
    incident = StoreIncident.objects.for_user(user, Action.VIEW).select_related("store", "submitted_by").filter(
        pk=pk).first()
    if incident is None:
        raise Http404(gettext("No such incident."))
    return incident


def incident_require(user: Person, incident: StoreIncident, action: Action) -> None:
    """The access helper of the write views: seen but not allowed → a 403 that says what is missing."""
    if can(user, action, incident.store):
        return
    if action == Action.DECIDE:
        raise PermissionDenied(gettext("Overrides need a regional manager or HQ role for this store."))
    raise PermissionDenied(gettext("Commenting needs a store manager or regional role for %(store)s.")
                           % {"store": incident.store})


def photo_get(user: Person, photo_id: uuid.UUID | str) -> IncidentPhoto:
    photo = IncidentPhoto.objects.for_user(user, Action.VIEW).filter(pk=photo_id).first()
    if photo is None:
        raise Http404(gettext("No such photo."))
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
    thread: list[IncidentMessage] = field(default_factory=list)
    ask_fixed: bool = False  # "Fixed?" for the store
    uses_odoo: bool = False  # the Odoo link is for people who work in Odoo, never for a store
    team_choices: list[tuple[int, str]] = field(default_factory=list)
    duplicate_choices: list[StoreIncident] = field(default_factory=list)

    @property
    def timeline(self) -> list[ThreadItem]:
        return thread_of(self)


@dataclass(frozen=True)
class ThreadItem:
    """One line of the incident's thread: a store comment, an override or answer, or Odoo's chatter."""

    at: datetime
    kind: str  # "comment", "override", "odoo"
    entry: IncidentComment | IncidentOverride | IncidentMessage


def thread_of(detail: IncidentDetail) -> list[ThreadItem]:
    """The portal's own rows and the mirrored chatter, oldest first, as one conversation."""
    items = [ThreadItem(c.created_at, "comment", c) for c in detail.comments]
    items += [ThreadItem(o.created_at, "override", o) for o in detail.overrides]
    items += [ThreadItem(m.posted_at, "odoo", m) for m in detail.thread]
    return sorted(items, key=lambda item: item.at)


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
        thread=list(incident.thread_messages.all()),
        ask_fixed=awaiting_answer(incident) and can(user, Action.OPERATE, incident.store),
        uses_odoo=uses_odoo(user, incident),
        team_choices=team_choices(incident) if can_override else [],
        duplicate_choices=duplicate_choices(incident) if can_override else [],
    )


def uses_odoo(user: Person, incident: StoreIncident) -> bool:
    """Regional managers, HQ and operations work in Odoo too; a store's people never do."""
    return can(user, Action.DECIDE, incident.store) or has_network_scope(user, Action.VIEW)
