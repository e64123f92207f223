"""Scope of an API call: the user's scope from the one choke point, narrowed by the token's limits.

Every API queryset is built here: `api_scoped` applies `.for_user(user, action)` (the choke point)
and then the token's store and region limits, so a token can only ever see less than its user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from apps.api.models import ApiToken
from apps.organisation.models import Store
from apps.organisation.roles import Action
from apps.organisation.scope import ScopedQuerySet, has_network_scope, stores_for

if TYPE_CHECKING:
    from rest_framework.request import Request

_M = TypeVar("_M", bound=models.Model)

READ_ONLY_MESSAGE = gettext_lazy("This token is read-only: create a read-write token to change anything.")


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def token_stores(token: ApiToken) -> models.QuerySet[Store]:
    """The stores a limited token may reach (its stores plus its regions' stores)."""
    return Store.objects.filter(models.Q(pk__in=token.stores.values("pk"))
                                | models.Q(region__in=token.regions.values("pk")))


def api_stores(request: Request, action: Action) -> models.QuerySet[Store]:
    stores = stores_for(request.user, action)
    token = token_of(request)
    if token is not None and token.limited:
        stores = stores.filter(pk__in=token_stores(token).values("pk"))
    return stores


def api_scoped(records: Any, request: Request, action: Action) -> models.QuerySet[_M]:
    """Business records the caller may `action` on: the choke point, then the token's limits.

    `records` is a store-owned model's manager or queryset (a `ScopedQuerySet`)."""
    queryset: ScopedQuerySet[_M] = records.all()
    scoped = queryset.for_user(request.user, action)
    token = token_of(request)
    if token is not None and token.limited:
        scoped = scoped.filter(**{f"{queryset.store_field}__in": token_stores(token).values("pk")})
    return scoped


def api_can(request: Request, action: Action, store: Store) -> bool:
    return api_stores(request, action).filter(pk=store.pk).exists()


def require_write(request: Request) -> None:
    token = token_of(request)
    if token is not None and token.read_only:
        raise PermissionDenied(READ_ONLY_MESSAGE)


def require_network(request: Request, action: Action, what: str) -> None:
    """Network-wide data (health, the whole audit trail) needs a network role and an unlimited token."""
    if not has_network_scope(request.user, action):
        raise PermissionDenied(gettext("%(what)s is for HQ and operations; your roles cover stores or regions only.")
                               % {"what": what})
    token = token_of(request)
    if token is not None and token.limited:
        raise PermissionDenied(gettext("%(what)s is network-wide: this token is limited to some stores.")
            % {"what": what})
