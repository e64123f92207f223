"""The one permission choke point.

Every queryset that reaches a user is narrowed here, from django-guardian object permissions on
stores and regions plus network-wide group permissions. Business records (approvals, incidents,
exceptions, audit) are scoped through their store foreign key with an `id__in` subquery, never with a
guardian row per record, so the cost stays flat as the tables grow.

Within one request (`scope_remembered`, entered by `ScopeMemoMiddleware`) each person's stores and
regions per action are read once, as a list of ids, and every later question of the request is
answered from it: the same rule, evaluated once instead of rebuilt as a guardian subquery for each of
the page's queries (building one costs more CPU than running it). Outside a request (tasks, live
connections, services called directly) nothing is remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from guardian.shortcuts import get_objects_for_user

from apps.organisation.roles import NETWORK_PERMS, REGION_PERMS, STORE_PERMS, Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from apps.organisation.models import Region, Store

_M = TypeVar("_M", bound=models.Model)

_REMEMBERED: ContextVar[dict[tuple[str, int, str], list[int]] | None] = ContextVar("scope_remembered",
                                                                                     default=None)


@contextmanager
def scope_remembered() -> Iterator[None]:
    """Scopes asked inside the block are read once each (one request: a role granted during it is
    forgotten at once, see `scope_forget`)."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def scope_forget() -> None:
    """Drop what the current request remembered (roles changed)."""
    remembered = _REMEMBERED.get()
    if remembered is not None:
        remembered.clear()


def _ids(kind: str, user: User, what: str, granted: Callable[[], models.QuerySet[_M]]) -> list[int] | None:
    """The ids `granted()` selects, read once per request; None outside a request."""
    remembered = _REMEMBERED.get()
    if remembered is None:
        return None
    key = (kind, user.pk, what)
    if key not in remembered:
        remembered[key] = list(granted().values_list("pk", flat=True))
    return remembered[key]


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
    ids = _ids("stores", user, action.value, lambda: _granted_stores(user, action, active))
    if ids is not None:
        return Store.objects.filter(pk__in=ids)
    return _granted_stores(user, action, active)


def _granted_stores(user: User, action: Action, active: models.QuerySet[Store]) -> models.QuerySet[Store]:
    from apps.organisation.models import Store

    allowed = models.Q(pk__in=[])
    store_perm = STORE_PERMS[action]
    if store_perm:
        direct = get_objects_for_user(user, f"organisation.{store_perm}", klass=Store,
                                      accept_global_perms=False, with_superuser=False)
        allowed |= models.Q(pk__in=direct.values("pk"))
    region_perm = REGION_PERMS[action]
    if region_perm:
        from apps.organisation.models import Region

        regions = _granted_regions(user, region_perm, Region.objects.filter(active=True))
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
    ids = _ids("regions", user, region_perm, lambda: _granted_regions(user, region_perm, active))
    if ids is not None:
        return Region.objects.filter(pk__in=ids)
    return _granted_regions(user, region_perm, active)


def _granted_regions(user: User, region_perm: str, active: models.QuerySet[Region]) -> models.QuerySet[Region]:
    from apps.organisation.models import Region

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
    ids: list[int] | None = None  # the stores' ids when this request has read them (`scope_remembered`)

    def condition(self, store_field: str = "store") -> models.Q:
        """The filter on a store-owned table's `store_field` that keeps exactly the records in scope."""
        if self.network:
            return models.Q(**{f"{store_field}__active": True, f"{store_field}__region__active": True})
        if self.ids is not None:
            return models.Q(**{f"{store_field}__in": self.ids})
        return models.Q(**{f"{store_field}__in": self.stores.values("pk")})


def _remembered_store_ids(user: User | AnonymousUser, action: Action) -> list[int] | None:
    """The ids of `stores_for(user, action)` when this request has read them (never for the network)."""
    remembered = _REMEMBERED.get()
    if remembered is None or not user.is_authenticated:
        return None
    return remembered.get(("stores", user.pk, action.value))


def store_scope(user: User | AnonymousUser, action: Action) -> StoreScope:
    """The scope of `user` for `action`: the single source of every scope check."""
    network, stores = has_network_scope(user, action), stores_for(user, action)
    return StoreScope(network=network, stores=stores, ids=None if network else _remembered_store_ids(user, action))


def store_ids(user: User | AnonymousUser, action: Action) -> set[int]:
    """The ids of `stores_for(user, action)`: from what this request read, else one query."""
    scope = store_scope(user, action)
    return set(scope.ids) if scope.ids is not None else set(scope.stores.values_list("pk", flat=True))


def any_region(user: User | AnonymousUser, action: Action) -> bool:
    """Whether `user` holds `action` on at least one region as a whole."""
    regions = regions_for(user, action)
    remembered, region_perm = _REMEMBERED.get(), REGION_PERMS[action]
    if remembered is None or not region_perm or not user.is_authenticated or has_network_scope(user, action):
        return regions.exists()
    return bool(remembered[("regions", user.pk, region_perm)])


def any_store(user: User | AnonymousUser, action: Action) -> bool:
    """Whether `user` may `action` on at least one store."""
    scope = store_scope(user, action)
    return bool(scope.ids) if scope.ids is not None else scope.stores.exists()


def scope_by_store(queryset: models.QuerySet[_M], user: User | AnonymousUser, action: Action,
                   *, store_field: str = "store") -> models.QuerySet[_M]:
    """Narrow any store-owned queryset to what `user` may `action` on.

    Business models expose this as `.for_user(user, action)` on their queryset; it is `store_scope`
    applied to the queryset.
    """
    return queryset.filter(store_scope(user, action).condition(store_field))


def can(user: User | AnonymousUser, action: Action, store: Store) -> bool:
    """Whether `user` may perform `action` on one store (a write path re-checks with this)."""
    stores = stores_for(user, action)
    ids = None if has_network_scope(user, action) else _remembered_store_ids(user, action)
    return store.pk in ids if ids is not None else stores.filter(pk=store.pk).exists()


class ScopedQuerySet(models.QuerySet[_M]):
    """Base queryset for business records owned by a store."""

    store_field = "store"

    def for_user(self, user: User | AnonymousUser, action: Action = Action.VIEW) -> ScopedQuerySet[_M]:
        return scope_by_store(self, user, action, store_field=self.store_field)  # type: ignore[return-value]
