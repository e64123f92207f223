"""Issuing and revoking API tokens, creating service accounts, and recognising a presented token.

A token's secret is shown once, at issue, and never stored: only its SHA-256 digest is kept (the
secret has 256 random bits, so a plain digest cannot be brute-forced the way a password could).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.api import conf
from apps.api.models import ApiToken, ServiceAccount, TokenAccess, TokenKind
from apps.audit.services import audit_record, client_ip
from apps.organisation.models import Region, Store
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

TOKEN_PREFIX = "ct"
_PREFIX_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_TOKEN_SHAPE = re.compile(r"^ct_([a-z2-9]{10})_([A-Za-z0-9_-]{32,64})$")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,60}$")


class TokenRejected(Exception):
    """The presented token cannot be used; `code` says why (answered with 401)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once to the person who asked for it, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def is_service_account(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and ServiceAccount.objects.filter(user_id=user.pk).exists())


def token_issue_check(*, creator: User, user: User, kind: str) -> None:
    """Personal tokens are for oneself; service tokens are minted by operations for service accounts."""
    if kind == TokenKind.PERSONAL:
        if creator.pk != user.pk:
            raise PermissionDenied(gettext("A personal token can only be created by its owner."))
        if is_service_account(user):
            raise PermissionDenied(gettext("Service accounts do not create their own tokens."))
        return
    if not has_network_scope(creator, Action.ADMINISTER):
        raise PermissionDenied(gettext("Service tokens are created by operations admins."))
    if not is_service_account(user):
        raise PermissionDenied(gettext("%(name)s is not a service account: tokens for people are personal.")
                               % {"name": user.get_username()})


def _limits_check(user: User, stores: list[Store], regions: list[Region]) -> None:
    """A token's limits must lie inside what its user sees, or it would promise access it cannot give."""
    visible = stores_for(user, Action.VIEW)
    outside = [store.code for store in stores if not visible.filter(pk=store.pk).exists()]
    outside += [region.code for region in regions if not visible.filter(region=region).exists()]
    if outside:
        raise ValidationError({"stores": f"{user.get_username()} has no role on: {', '.join(sorted(outside))}."})


@transaction.atomic
def token_issue(*, creator: User, user: User, name: str, kind: str = TokenKind.PERSONAL,
                access: str = TokenAccess.READ, days: int | None = None, stores: Iterable[Store] = (),
                regions: Iterable[Region] = (), request: HttpRequest | None = None) -> IssuedToken:
    """Create a token and return its secret once. Audited; the audit entry never holds the secret."""
    token_issue_check(creator=creator, user=user, kind=kind)
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": "Name the token (up to 100 characters): what uses it?"})
    if access not in TokenAccess.values:
        raise ValidationError({"access": "Access must be read or read_write."})
    days = conf.TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= conf.TOKEN_MAX_DAYS:
        raise ValidationError({"days": f"A token lives between 1 and {conf.TOKEN_MAX_DAYS} days."})
    store_list, region_list = list(stores), list(regions)
    _limits_check(user, store_list, region_list)
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, kind=kind, user=user, prefix=prefix, digest=_digest(secret), access=access,
        limited=bool(store_list or region_list), expires_at=timezone.now() + timedelta(days=days), created_by=creator)
    token.stores.set(store_list)
    token.regions.set(region_list)
    audit_record(action="api_token.created", target=token, actor=creator, request=request,
                 after=token_snapshot(token))
    return IssuedToken(token=token, plaintext=f"{TOKEN_PREFIX}_{prefix}_{secret}")


def token_snapshot(token: ApiToken) -> dict[str, object]:
    return {"name": token.name, "kind": token.kind, "user": token.user.get_username(), "prefix": token.prefix,
            "access": token.access, "expires_at": token.expires_at.isoformat(),
            "stores": sorted(token.stores.values_list("code", flat=True)),
            "regions": sorted(token.regions.values_list("code", flat=True)),
            "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None}


def token_manage_check(*, actor: User | AnonymousUser, token: ApiToken) -> None:
    if actor.is_authenticated and (token.user_id == actor.pk or has_network_scope(actor, Action.ADMINISTER)):
        return
    raise PermissionDenied(gettext("Only the token's owner or an operations admin can revoke it."))


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User, request: HttpRequest | None = None) -> ApiToken:
    """Revoke at once: the next call with the token is refused. Revoking twice changes nothing."""
    token_manage_check(actor=actor, token=token)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = token_snapshot(token)
    token.revoked_at, token.revoked_by = timezone.now(), actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(action="api_token.revoked", target=token, actor=actor, request=request, before=before,
                 after=token_snapshot(token))
    return token


@transaction.atomic
def service_account_create(*, creator: User, username: str, description: str = "",
                           request: HttpRequest | None = None) -> ServiceAccount:
    """A machine user: no usable password (it can never sign in), rights given by role grants."""
    if not has_network_scope(creator, Action.ADMINISTER):
        raise PermissionDenied(gettext("Service accounts are created by operations admins."))
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError({"username": "Use 3 to 61 lower-case letters, digits, dots, dashes or underscores."})
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationError({"username": f"{username} is already taken."})
    user = user_model.objects.create_user(username=username, password=None)
    account = ServiceAccount.objects.create(user=user, description=description.strip()[:200], created_by=creator)
    audit_record(action="service_account.created", target=account, actor=creator, request=request,
                 after={"username": username, "description": account.description})
    return account


def token_authenticate(raw: str, *, request: HttpRequest | None = None) -> ApiToken:
    """The token behind a presented credential, or TokenRejected saying why it cannot be used."""
    match = _TOKEN_SHAPE.match(raw)
    if match is None:
        raise TokenRejected("invalid_token", gettext("The token is malformed: expected ct_<prefix>_<secret>."))
    prefix, secret = match.groups()
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Compare even when the prefix is unknown, so timing does not tell which prefixes exist.
    expected = token.digest if token is not None else _digest("no-such-token")
    if not hmac.compare_digest(expected, _digest(secret)) or token is None:
        raise TokenRejected("invalid_token", gettext("The token is not valid."))
    if token.revoked_at is not None:
        raise TokenRejected("token_revoked", gettext("The token was revoked."))
    if token.expires_at <= timezone.now():
        raise TokenRejected("token_expired", gettext("The token has expired: create a new one."))
    if not token.user.is_active:
        raise TokenRejected("user_inactive", gettext("The token's user is deactivated."))
    _touch(token, request)
    return token


def _touch(token: ApiToken, request: HttpRequest | None, now: datetime | None = None) -> None:
    """Record the last use, at most once a minute per token (a conditional UPDATE, no lock)."""
    now = now or timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < conf.TOKEN_TOUCH_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=client_ip(request))
    token.last_used_at = now
