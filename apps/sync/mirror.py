"""Applying fetched Odoo records to the mirror: one batch, one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps import events
from apps.events.types import FeedBatchSynced
from apps.odoo_gateway import parse_odoo_datetime
from apps.sync.bulk import instances_new
from apps.sync.domain import matches
from apps.sync.models import Feed, MirrorRecord
from apps.sync.projectors import BatchResult, project
from apps.sync.stores import NOT_A_STORE, StoreResolver
from apps.sync.upsert import mirror_upsert

LEFT_DOMAIN = "left_domain"
DELETED = "deleted"


def _changed(record: MirrorRecord, values: dict[str, Any], store_id: int | None, write_date: datetime) -> bool:
    return record.values != values or record.store_id != store_id or record.odoo_write_date != write_date


@transaction.atomic(savepoint=False)  # its callers' transaction: a savepoint would cost two round trips
def batch_apply(feed: Feed, rows: list[dict[str, Any]], resolver: StoreResolver, *,
                missing_ids: Iterable[int] = ()) -> BatchResult:
    """Upsert open records, close those that left the feed's domain or were deleted in Odoo.

    A row older than the mirrored copy is ignored, so a late webhook refetch can never undo a newer
    sync. Records that never were open are not stored at all.
    """
    now = timezone.now()
    ids = [row["id"] for row in rows] + list(missing_ids)
    existing = {record.odoo_id: record for record in MirrorRecord.objects.select_for_update()
                .filter(feed=feed, odoo_id__any_of=ids)}
    result = BatchResult(feed=feed)
    created: list[dict[str, Any]] = []
    updated: list[MirrorRecord] = []
    for row in rows:
        write_date = parse_odoo_datetime(row["write_date"])
        values = dict(row)
        del values["id"]
        store_id = resolver.store_id(row)
        if store_id is None and resolver.not_a_store(row):
            values[NOT_A_STORE] = True  # a distribution centre's record: nobody's, and not "unassigned"
        is_open = matches(feed.domain, row)
        record = existing.get(row["id"])
        if record is None:
            if is_open:
                created.append({"feed": feed, "odoo_id": row["id"], "values": values, "store_id": store_id,
                                "odoo_write_date": write_date, "first_seen_at": now, "synced_at": now})
            continue
        if write_date < record.odoo_write_date:
            continue
        was_open = record.closed_at is None
        if not _changed(record, values, store_id, write_date) and was_open == is_open:
            continue
        record.values, record.store_id, record.odoo_write_date, record.synced_at = values, store_id, write_date, now
        if is_open:
            record.closed_at, record.close_reason = None, ""
            result.upserted.append(record)
        elif was_open:
            record.closed_at, record.close_reason = now, LEFT_DOMAIN
            result.closed.append(record)
        updated.append(record)
    for odoo_id in missing_ids:
        record = existing.get(odoo_id)
        if record is not None and record.closed_at is None:
            record.closed_at, record.close_reason, record.synced_at = now, DELETED, now
            result.closed.append(record)
            updated.append(record)
    new = instances_new(MirrorRecord, created)  # a first import builds thousands: the ORM's positional path
    mirror_upsert(feed.pk, [*new, *updated])
    result.upserted[:0] = new
    result.created_count = len(new)
    if result.upserted or result.closed:
        _project(result)
    return result


def _project(result: BatchResult) -> None:
    with events.batched():  # the projector's events and the batch's own: one notice pass after commit
        project(result)
        events.emit(FeedBatchSynced(feed_kind=result.feed.kind, store_ids=frozenset(result.store_ids)))


@transaction.atomic
def mirror_close_open(feed: Feed, reason: str = DELETED) -> int:
    """Close every open record of a feed, as if deleted in Odoo (its model is gone: a built-in feed
    switched to another Odoo version's definition), so the domain rows close with them."""
    now = timezone.now()
    records = list(MirrorRecord.objects.select_for_update().filter(feed=feed, closed_at__isnull=True))
    for record in records:
        record.closed_at, record.close_reason, record.synced_at = now, reason, now
    MirrorRecord.objects.bulk_update(records, ["closed_at", "close_reason", "synced_at"])
    if records:
        _project(BatchResult(feed=feed, closed=records))
    return len(records)
