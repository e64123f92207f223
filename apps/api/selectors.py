"""Reads for the token page: whose tokens a person sees, and the choices of the token form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from apps.api.models import ApiToken, ServiceAccount
from apps.organisation.models import Region, Store
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser


def _with_limits(tokens: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
    return tokens.select_related("user", "created_by").prefetch_related(
        Prefetch("stores", queryset=Store.objects.only("id", "code")),
        Prefetch("regions", queryset=Region.objects.only("id", "code")))


def own_tokens(user: Person) -> list[ApiToken]:
    return list(_with_limits(ApiToken.objects.filter(user_id=user.pk or 0)).order_by("-created_at")[:100])


def service_tokens(user: Person) -> list[ApiToken]:
    """Every service account's tokens, for operations admins only (others get none)."""
    if not has_network_scope(user, Action.ADMINISTER):
        return []
    return list(_with_limits(ApiToken.objects.filter(user__service_account__isnull=False))
                .order_by("user__username", "-created_at")[:300])


def service_accounts(user: Person) -> list[ServiceAccount]:
    if not has_network_scope(user, Action.ADMINISTER):
        return []
    return list(ServiceAccount.objects.select_related("user").order_by("user__username"))


def token_for_manage(user: Person, pk: int) -> ApiToken:
    """A token the person may revoke: their own, or any for operations admins; otherwise a 404."""
    tokens = ApiToken.objects.select_related("user")
    if not has_network_scope(user, Action.ADMINISTER):
        tokens = tokens.filter(user_id=user.pk or 0)
    token = tokens.filter(pk=pk).first()
    if token is None:
        raise Http404(gettext("No such token."))
    return token


def limit_choices(user: Person) -> tuple[QuerySet[Store], QuerySet[Region]]:
    """Stores and regions a token of this person may be limited to (what they can see)."""
    stores = stores_for(user, Action.VIEW).order_by("code")
    regions = Region.objects.filter(active=True, pk__in=stores.values("region")).order_by("code")
    return stores, regions
