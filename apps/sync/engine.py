"""The sync engine: incremental and full passes by write_date, and reconciliation.

Cursor safety: the cursor moves only in the transaction that applied the batch it points past, so a
failure mid-run leaves it at the last applied batch and the next run starts from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from apps.odoo_gateway import OdooError, OdooGateway, format_odoo_datetime, get_gateway, parse_odoo_datetime
from apps.sync.mirror import batch_apply
from apps.sync.models import Feed, MirrorRecord, RunKind, RunStatus, SyncRun
from apps.sync.stores import StoreResolver

logger = logging.getLogger(__name__)
STALE_LOCK = timedelta(minutes=30)
ORDER = "write_date asc, id asc"
Progress = Callable[[SyncRun], None]


def _lock(feed: Feed) -> bool:
    """Claim the feed with a conditional UPDATE so that two workers never run it at once."""
    now = timezone.now()
    claimed = Feed.objects.filter(pk=feed.pk).filter(
        models.Q(running_since__isnull=True) | models.Q(running_since__lt=now - STALE_LOCK)
    ).update(running_since=now)
    return claimed == 1


def _unlock(feed: Feed) -> None:
    Feed.objects.filter(pk=feed.pk).update(running_since=None)


def _cursor_text(write_date: datetime | None, odoo_id: int) -> str:
    return f"{format_odoo_datetime(write_date)}#{odoo_id}" if write_date else ""


def _keyset(write_date: datetime, odoo_id: int) -> list[Any]:
    stamp = format_odoo_datetime(write_date)
    return ["|", ["write_date", ">", stamp], "&", ["write_date", "=", stamp], ["id", ">", odoo_id]]


def _finish(run: SyncRun, feed: Feed, *, error: str = "", poll_started: datetime | None = None) -> SyncRun:
    """Record the outcome and release the feed in one update (an incremental run is mostly this)."""
    run.finished_at = timezone.now()
    run.status = RunStatus.FAILED if error else RunStatus.OK
    run.error = error
    run.save()
    changes: dict[str, Any] = {"running_since": None, "last_error": error}
    if not error:
        changes["last_success_at"] = run.finished_at
        if poll_started is not None:
            changes["last_poll_started_at"] = poll_started
    Feed.objects.filter(pk=feed.pk).update(**changes)
    return run


def feed_sync(feed: Feed, *, full: bool = False, gateway: OdooGateway | None = None,
              progress: Progress | None = None) -> SyncRun:
    """Bring the feed's mirror up to date. The first run (or `full`) fetches the open records; later
    runs fetch everything changed since the cursor, minus an overlap window for late commits."""
    gateway = gateway or get_gateway()
    feed.refresh_from_db()
    first = full or feed.cursor_write_date is None
    run = SyncRun.objects.create(feed=feed, kind=RunKind.FULL if first else RunKind.INCREMENTAL,
                                 cursor_before=_cursor_text(feed.cursor_write_date, feed.cursor_id))
    if not _lock(feed):
        run.status, run.finished_at = RunStatus.SKIPPED, timezone.now()
        run.save()
        return run
    calls_before = gateway.rpc_count
    poll_started = timezone.now()
    try:
        _sync_batches(feed, run, gateway, first=first, progress=progress)
    except OdooError as exc:
        logger.warning("Sync of %s stopped: %s", feed.slug, exc)
        run.rpc_calls = gateway.rpc_count - calls_before
        return _finish(run, feed, error=f"{type(exc).__name__}: {exc}")
    except BaseException as exc:
        run.rpc_calls = gateway.rpc_count - calls_before
        _finish(run, feed, error=f"{type(exc).__name__}: {exc}")
        raise
    run.rpc_calls = gateway.rpc_count - calls_before
    return _finish(run, feed, poll_started=poll_started)


def _since(feed: Feed) -> list[Any]:
    """Where an incremental pass starts.

    From the cursor (exclusive, keyset) — unless the previous pass began less than `overlap_seconds`
    after the cursor's write_date: a transaction that was still open then may since have committed a
    record stamped behind the cursor, so that window is read again (upserts are idempotent). After a
    quiet spell the window is empty and a pass fetches only what changed.
    """
    assert feed.cursor_write_date is not None
    overlap = timedelta(seconds=feed.overlap_seconds)
    horizon = feed.last_poll_started_at - overlap if feed.last_poll_started_at else None
    if horizon is None or horizon < feed.cursor_write_date:
        since = min(feed.cursor_write_date, horizon) if horizon else feed.cursor_write_date - overlap
        return [["write_date", ">=", format_odoo_datetime(since)]]
    return _keyset(feed.cursor_write_date, feed.cursor_id)


def _sync_batches(feed: Feed, run: SyncRun, gateway: OdooGateway, *, first: bool,
                  progress: Progress | None) -> None:
    """Fetch and apply batches. The next batch is fetched while the current one is written (keyset
    paging knows the next page as soon as a page arrives), so database work hides behind Odoo's
    latency; a failed fetch surfaces only after the batches before it were applied."""
    resolver = StoreResolver(feed, gateway)
    base = list(feed.base_domain)
    if first:
        base += list(feed.domain)
        run.total_expected = gateway.search_count(feed.odoo_model, base)
        start: list[Any] = []
    else:
        start = _since(feed)

    def fetch(domain: list[Any]) -> list[dict[str, Any]]:
        return gateway.search_read(feed.odoo_model, domain, feed.fetch_fields, order=ORDER, limit=feed.batch_size)

    newest: datetime | None = None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sync-{feed.slug}") as prefetcher:
        pending: Future[list[dict[str, Any]]] | None = prefetcher.submit(fetch, base + start)
        while pending is not None:
            rows = pending.result()
            pending = None
            if len(rows) == feed.batch_size:
                last = rows[-1]
                pending = prefetcher.submit(fetch, base + _keyset(parse_odoo_datetime(last["write_date"]), last["id"]))
            resolver.prepare(rows)
            with transaction.atomic():
                result = batch_apply(feed, rows, resolver)
                if rows:
                    newest = parse_odoo_datetime(rows[-1]["write_date"])
                    _advance_cursor(feed, newest, rows[-1]["id"])
            run.fetched += len(rows)
            run.created += result.created_count
            run.updated += len(result.upserted) - result.created_count
            run.closed += len(result.closed)
            run.cursor_after = _cursor_text(feed.cursor_write_date, feed.cursor_id)
            if pending is not None or progress is not None:  # the last batch is saved by _finish
                run.save(update_fields=["fetched", "created", "updated", "closed", "cursor_after", "total_expected"])
            if progress is not None:
                progress(run)
    if newest is not None:
        run.lag_seconds = max(0.0, (timezone.now() - newest).total_seconds())


def _advance_cursor(feed: Feed, write_date: datetime, odoo_id: int) -> None:
    """Only forward: an overlap refetch must not move the cursor back."""
    if feed.cursor_write_date is None or (write_date, odoo_id) > (feed.cursor_write_date, feed.cursor_id):
        feed.cursor_write_date, feed.cursor_id = write_date, odoo_id
        Feed.objects.filter(pk=feed.pk).update(cursor_write_date=write_date, cursor_id=odoo_id)


def feed_reconcile(feed: Feed, *, gateway: OdooGateway | None = None) -> SyncRun:
    """Find mirrored records that left the feed or were deleted in Odoo (deletes never bump
    write_date), and open records the mirror missed (a lost hint, a cursor glitch)."""
    gateway = gateway or get_gateway()
    run = SyncRun.objects.create(feed=feed, kind=RunKind.RECONCILE)
    if not _lock(feed):
        run.status, run.finished_at = RunStatus.SKIPPED, timezone.now()
        run.save()
        return run
    calls_before = gateway.rpc_count
    try:
        in_odoo = set(gateway.search(feed.odoo_model, list(feed.base_domain) + list(feed.domain)))
        mirrored_open = set(MirrorRecord.objects.filter(feed=feed).open().values_list("odoo_id", flat=True))
        left = mirrored_open - in_odoo
        missed = in_odoo - mirrored_open  # never seen, or closed here but open again in Odoo
        suspects = sorted(left | missed)
        refetch_by_id(feed, suspects, gateway=gateway, run=run)
    except OdooError as exc:
        return _finish(run, feed, error=f"{type(exc).__name__}: {exc}")
    finally:
        run.rpc_calls = gateway.rpc_count - calls_before
        _unlock(feed)
    return _finish(run, feed)


def refetch_by_id(feed: Feed, ids: list[int], *, gateway: OdooGateway, run: SyncRun | None = None) -> None:
    """Fetch records by id and apply them; ids Odoo no longer has are closed as deleted."""
    resolver = StoreResolver(feed, gateway)
    for start in range(0, len(ids), feed.batch_size):
        chunk = ids[start:start + feed.batch_size]
        rows = gateway.search_read(feed.odoo_model, [*feed.base_domain, ["id", "in", chunk]], feed.fetch_fields)
        resolver.prepare(rows)
        seen = {row["id"] for row in rows}
        result = batch_apply(feed, rows, resolver, missing_ids=[i for i in chunk if i not in seen])
        if run is not None:
            run.fetched += len(rows)
            run.created += result.created_count
            run.updated += len(result.upserted) - result.created_count
            run.closed += len(result.closed)
