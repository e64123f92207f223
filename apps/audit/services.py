"""Writing to the audit trail. Every other app records through `audit_record`."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from apps.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

    from apps.organisation.models import Store


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address: REMOTE_ADDR, or with CT_PROXY_COUNT = N the N-th address from the right
    of X-Forwarded-For, which the first of our own proxies wrote. Anything left of it was written by
    the client and is ignored, so a forged header can neither dodge the sign-in lock-out or the API
    throttle nor put a false address in the audit trail. Also axes' AXES_CLIENT_IP_CALLABLE."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.CT_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not proxies or not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address (a misconfigured proxy chain): never store it
        return remote


def audit_record(
    *,
    action: str,
    target: models.Model | None = None,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    store: Store | None = None,
    request: HttpRequest | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    message: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction that makes the change, so both land or neither."""
    person = actor if actor is not None and actor.is_authenticated else None
    label = actor_label or (person.get_username() if person is not None else "system")
    return AuditEvent.objects.create(
        action=action,
        actor=person,
        actor_label=label[:150],
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_label=str(target)[:200] if target is not None else "",
        store=store,
        source_ip=client_ip(request),
        before=before or {},
        after=after or {},
        message=message,
    )
