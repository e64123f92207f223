"""Reads for the portal shell: what a person holds and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from apps.incidents.models import OPEN_STATUSES, IncidentStatus, StoreIncident
from apps.operations.models import ExceptionStatus, OpsException
from apps.organisation.models import Region, RoleGrant, Store
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, regions_for, stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass(frozen=True)
class Overview:
    grants: list[RoleGrant]
    network: bool
    regions: list[Region]
    stores: list[Store]
    store_count: int


def overview_for(user: User | AnonymousUser) -> Overview:
    """The roles a person holds and the regions and stores they cover, for the home page."""
    stores = stores_for(user, Action.VIEW).select_related("region")
    return Overview(
        grants=list(RoleGrant.objects.filter(user_id=user.pk or 0).select_related("store", "region")),
        network=has_network_scope(user, Action.VIEW),
        regions=list(regions_for(user, Action.VIEW)),
        stores=list(stores[:50]),
        store_count=stores.count(),
    )


@dataclass(frozen=True)
class StoreToday:
    """The store home's "My store today": newest first, what the store can act on."""

    stores: list[Store]
    incidents: list[StoreIncident]
    exceptions: list[OpsException]


STORE_TODAY_LIMIT = 30


def store_today(user: User | AnonymousUser) -> StoreToday:
    """Open incidents (and those Odoo closed that wait for the store's "Fixed?"), and the exceptions
    still to acknowledge, of the stores the person acts for; all through the scope choke point."""
    waiting = Q(status__in=OPEN_STATUSES) | Q(status=IncidentStatus.RESOLVED, fix_confirmed_at__isnull=True)
    incidents = (StoreIncident.objects.for_user(user, Action.VIEW).filter(waiting).select_related("store")
                 .order_by("-created_at", "-id")[:STORE_TODAY_LIMIT])
    exceptions = (OpsException.objects.for_user(user, Action.OPERATE).filter(status=ExceptionStatus.OPEN)
                  .select_related("store").order_by("-opened_at", "-id")[:STORE_TODAY_LIMIT])
    return StoreToday(stores=list(stores_for(user, Action.OPERATE).order_by("code")[:20]),
                      incidents=list(incidents), exceptions=list(exceptions))
