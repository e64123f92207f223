"""The one permission choke point.

Every queryset that reaches a user is narrowed here, from django-guardian object permissions on
stores and regions plus network-wide group permissions. Business records (approvals, incidents,
exceptions, audit) are scoped through their store foreign key with an `id__in` subquery, never with a
guardian row per record, so the cost stays flat as the tables grow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from guardian.shortcuts import get_objects_for_user

from apps.organisation.roles import NETWORK_PERMS, REGION_PERMS, STORE_PERMS, Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from apps.organisation.models import Region, Store

_M = TypeVar("_M", bound=models.Model)


def has_network_scope(user: User | AnonymousUser, action: Action) -> bool:
    """True when the user may `action` on every store (HQ, operations, superusers)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm(NETWORK_PERMS[action]))


def stores_for(user: User | AnonymousUser, action: Action) -> models.QuerySet[Store]:
    """Active stores the user may perform `action` on."""
    from apps.organisation.models import Store

    active = Store.objects.filter(active=True, region__active=True)
    if not user.is_authenticated or not user.is_active:
        return active.none()
    if has_network_scope(user, action):
        return active
    allowed = models.Q(pk__in=[])
    store_perm = STORE_PERMS[action]
    if store_perm:
        direct = get_objects_for_user(user, f"organisation.{store_perm}", klass=Store,
                                      accept_global_perms=False, with_superuser=False)
        allowed |= models.Q(pk__in=direct.values("pk"))
    region_perm = REGION_PERMS[action]
    if region_perm:
        regions = regions_for(user, action)
        allowed |= models.Q(region__in=regions.values("pk"))
    return active.filter(allowed)


def regions_for(user: User | AnonymousUser, action: Action) -> models.QuerySet[Region]:
    """Regions the user holds `action` on as a whole (a regional manager's, or all for HQ)."""
    from apps.organisation.models import Region

    active = Region.objects.filter(active=True)
    if not user.is_authenticated or not user.is_active:
        return active.none()
    if has_network_scope(user, action):
        return active
    region_perm = REGION_PERMS[action]
    if not region_perm:
        return active.none()
    granted = get_objects_for_user(user, f"organisation.{region_perm}", klass=Region,
                                   accept_global_perms=False, with_superuser=False)
    return active.filter(pk__in=granted.values("pk"))


@dataclass(frozen=True)
class StoreScope:
    """What one person may `action` on: the one rule every door derives from (`for_user`, the
    dashboards' `Viewer`, the live connections' `LiveScope`), so no door shows what another hides.

    `stores` is every active store of an active region the person holds the action on; for the
    network (HQ, operations) that is every active store of an active region, said as a join.
    """

    network: bool
    stores: models.QuerySet[Store]

    def condition(self, store_field: str = "store") -> models.Q:
        """The filter on a store-owned table's `store_field` that keeps exactly the records in scope."""
        if self.network:
            return models.Q(**{f"{store_field}__active": True, f"{store_field}__region__active": True})
        return models.Q(**{f"{store_field}__in": self.stores.values("pk")})


def store_scope(user: User | AnonymousUser, action: Action) -> StoreScope:
    """The scope of `user` for `action`: the single source of every scope check."""
    return StoreScope(network=has_network_scope(user, action), stores=stores_for(user, action))


def scope_by_store(queryset: models.QuerySet[_M], user: User | AnonymousUser, action: Action,
                   *, store_field: str = "store") -> models.QuerySet[_M]:
    """Narrow any store-owned queryset to what `user` may `action` on.

    Business models expose this as `.for_user(user, action)` on their queryset; it is `store_scope`
    applied to the queryset.
    """
    return queryset.filter(store_scope(user, action).condition(store_field))


def can(user: User | AnonymousUser, action: Action, store: Store) -> bool:
    """Whether `user` may perform `action` on one store (a write path re-checks with this)."""
    return stores_for(user, action).filter(pk=store.pk).exists()


class ScopedQuerySet(models.QuerySet[_M]):
    """Base queryset for business records owned by a store."""

    store_field = "store"

    def for_user(self, user: User | AnonymousUser, action: Action = Action.VIEW) -> ScopedQuerySet[_M]:
        return scope_by_store(self, user, action, store_field=self.store_field)  # type: ignore[return-value]
