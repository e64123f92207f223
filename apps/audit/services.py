"""Writing to the audit trail. Every other app records through `audit_record`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from apps.audit.models import AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

    from apps.organisation.models import Store


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as Django sees it (the proxy count is handled by the server setup)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
