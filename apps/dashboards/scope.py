"""One person's dashboard scope for one request, read once from the choke point.

`store_scope(user, VIEW)` (apps/organisation/scope.py) is what every `.for_user(user, VIEW)` narrows
by. A dashboard page runs some twenty queries; building the django-guardian subquery for each of them
costs more than the queries themselves (about 10 ms each), so the dashboards ask the choke point once
per request for the store ids and narrow every query by them — the same rule, evaluated once.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import BigIntegerField, ExpressionWrapper, F, Model, QuerySet

from apps.organisation.models import Store
from apps.organisation.roles import Action
from apps.organisation.scope import StoreScope, regions_for, store_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

_M = TypeVar("_M", bound=Model)


class Viewer:
    def __init__(self, user: User | AnonymousUser) -> None:
        self.user = user

    @cached_property
    def scope(self) -> StoreScope:
        return store_scope(self.user, Action.VIEW)

    @property
    def stores(self) -> QuerySet[Store]:
        return self.scope.stores

    @cached_property
    def store_ids(self) -> frozenset[int]:
        return frozenset(self.stores.values_list("pk", flat=True))

    @property
    def network(self) -> bool:
        return self.scope.network

    def regions(self) -> QuerySet[Any]:
        return regions_for(self.user, Action.VIEW)

    def allowed(self, stores: Iterable[int] | None = None) -> list[int]:
        """The store ids in scope, optionally narrowed to `stores` (never widened)."""
        if stores is None:
            return sorted(self.store_ids)
        return sorted(self.store_ids.intersection(stores))

    def narrow(self, queryset: QuerySet[_M], stores: Iterable[int] | None = None,
               *, store_field: str = "store", index_hint: bool = False) -> QuerySet[_M]:
        """Business records of the stores in scope (and in `stores`, when given).

        A network viewer's scope is every active store of an active region (what `stores_for` gives
        them): said as a join rather than a list of every store id, except with `index_hint` (a query
        bounded by a period), where the join's row estimate can lead PostgreSQL into a nested loop
        over every store and the hashed id list is the cheaper plan.
        """
        if stores is None and self.network and not index_hint:
            return queryset.filter(self.scope.condition(store_field))
        if index_hint:
            # `store_id + 0`: the same test, but not one the store index can answer, so PostgreSQL
            # finds a period's rows through the time indexes (a few thousand recent rows) instead of
            # reading every row the stores ever had and discarding most of them.
            unindexed = ExpressionWrapper(F(f"{store_field}_id") + 0, output_field=BigIntegerField())
            return queryset.alias(scope_store=unindexed).filter(scope_store__in=self.allowed(stores))
        return queryset.filter(**{f"{store_field}__in": self.allowed(stores)})
