"""Events read from an append-only history instead of being pushed: health status changes.

The health app records status changes as `HealthEvent` rows in bulk (no per-row signal), so the
dispatcher publishes new rows after a cursor. The event's dedupe key makes a replayed pass harmless.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from apps.webhooks.models import PublishCursor
from apps.webhooks.services import event_publish, subscribers

HEALTH_CURSOR = "health-events"


@transaction.atomic
def health_events_publish(*, limit: int = 500) -> int:
    """Publish `health.changed` for status changes recorded since the last pass. The first pass starts
    at the newest row: subscribing does not replay months of history."""
    from apps.health.models import HealthEvent

    cursor = PublishCursor.objects.select_for_update().filter(name=HEALTH_CURSOR).first()
    newest = HealthEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    if cursor is None:
        PublishCursor.objects.create(name=HEALTH_CURSOR, position=newest)
        return 0
    if newest <= cursor.position:
        return 0
    if not subscribers("health.changed", None):
        cursor.position = newest
        cursor.save(update_fields=["position"])
        return 0
    rows = list(HealthEvent.objects.select_related("signal").filter(pk__gt=cursor.position).order_by("pk")[:limit])
    for row in rows:
        event_publish("health.changed", {
            "signal": {"key": row.signal.key, "label": row.signal.label, "category": row.signal.category},
            "from_status": row.from_status or None, "to_status": row.to_status, "rule": row.rule,
            "detail": row.detail[:1000], "at": row.at}, None, dedupe_key=f"health.changed:{row.pk}",
            occurred_at=row.at)
    cursor.position = rows[-1].pk
    cursor.save(update_fields=["position"])
    return len(rows)
