"""The catalogue of outbound event types and the envelope every receiver gets.

Envelope (the signed body):

    {"id": "<uuid>", "type": "approval.decided", "occurred_at": "2025-01-31T09:00:00+00:00",
     "store": {"id": 3, "code": "N01", "name": "..."} | null, "data": {...}}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder

if TYPE_CHECKING:
    from apps.organisation.models import Store
    from apps.webhooks.models import WebhookEvent

ALL = "*"
EVENT_TYPES: dict[str, str] = {
    "approval.decided": "An approval request was approved or rejected (by a person or a system rule).",
    "approval.undone": "A person undid their decision inside the undo window; nothing went to Odoo.",
    "writeback.applied": "A change reached Odoo.",
    "writeback.conflict": "Odoo had moved on: the change was not applied (conflict).",
    "writeback.failed": "Odoo refused the change permanently.",
    "writeback.dead": "The change could not reach Odoo after every retry (dead-lettered).",
    "incident.created": "A store incident was reported in the portal or appeared from Odoo.",
    "exception.opened": "An operational exception opened (or reopened when its condition returned).",
    "exception.closed": "An exception was resolved by a person or cleared in Odoo.",
    "health.changed": "A workflow health signal changed status (ok, degraded, failing).",
    "ping": "A test event sent from the subscription page.",
}


def store_ref(store: Store | None) -> dict[str, Any] | None:
    if store is None:
        return None
    return {"id": store.pk, "code": store.code, "name": store.name}


def plain(payload: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe copy (dates, decimals and UUIDs as strings) to store and sign."""
    result: dict[str, Any] = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return result


def envelope(event: WebhookEvent) -> bytes:
    """The exact bytes sent and signed: the same for every attempt of the event."""
    body = {"id": str(event.id), "type": event.event_type, "occurred_at": event.occurred_at.isoformat(),
            "store": store_ref(event.store), "data": event.payload}
    return json.dumps(body, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")).encode()
