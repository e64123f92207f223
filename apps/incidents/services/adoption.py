"""Incidents for the records Odoo opened for a store that a sync page left for later ("adoption").

A first import of an incident feed brings thousands of Odoo tasks and requests at once; triaging their
titles and inserting their incidents inside each page's transaction made the import wait for that work
on top of Odoo's read. Pages with many new records therefore only mirror them, and this service
creates their incidents after the page's commit (`incidents.adopt` on the sync queue) through the
same projection as the sync (`apps.incidents.projector.projection_apply`): link by Odoo id or portal
reference, follow Odoo, or create, from the mirror's current copy of each record (a change a later page
mirrored in the meantime is not lost).

Nothing is lost when the task is: the open mirror rows with a store and no incident are the to-do
list, and `incidents_adopt_pending` (every `SWEEP_SECONDS`, README "Store incidents") adopts what is
left on it.
"""

from __future__ import annotations

from django.db import transaction

from apps import events
from apps.incidents.models import StoreIncident
from apps.incidents.odoo_records import TARGETS
from apps.incidents.projector import projection_apply
from apps.sync.models import Feed, FeedKind, MirrorRecord
from apps.sync.projectors import BatchResult

SWEEP_SECONDS = 300.0
CHUNK = 500


def incidents_adopt(*, feed_id: int, odoo_ids: list[int]) -> int:
    """Create the incidents of these mirrored records that still need one; returns how many. Safe to
    repeat and to run beside the feed's sync (they take turns on the feed's adoption lock)."""
    feed = Feed.objects.filter(pk=feed_id, kind=FeedKind.INCIDENT).first()
    if feed is None or not odoo_ids:
        return 0
    with transaction.atomic(), events.batched():
        records = list(MirrorRecord.objects.filter(feed=feed, odoo_id__any_of=odoo_ids).open().order_by("odoo_id"))
        return projection_apply(BatchResult(feed=feed, upserted=records), defer=False)


def incidents_pending(feed: Feed) -> list[int]:
    """Odoo ids of the feed's open records for a store that have no incident yet (directive tasks among
    them: the projection skips those)."""
    adopted = StoreIncident.objects.filter(odoo_model=feed.odoo_model, odoo_id__isnull=False).values("odoo_id")
    return list(MirrorRecord.objects.filter(feed=feed, store_id__isnull=False).open()
                .exclude(odoo_id__in=adopted).order_by("odoo_id").values_list("odoo_id", flat=True))


def incidents_adopt_pending() -> int:
    """The sweep: adopt what a lost or failed adoption task left, a chunk per transaction."""
    created = 0
    for feed in Feed.objects.filter(kind=FeedKind.INCIDENT, odoo_model__in=TARGETS).order_by("pk"):
        pending = incidents_pending(feed)
        for start in range(0, len(pending), CHUNK):
            created += incidents_adopt(feed_id=feed.pk, odoo_ids=pending[start:start + CHUNK])
    return created
