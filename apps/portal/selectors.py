"""Reads for the portal shell: what a person holds and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
