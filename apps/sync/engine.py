"""The sync engine: incremental and full passes by write_date, and reconciliation.

Cursor safety: the cursor moves only in the transaction that applied the batch it points past, so a
failure mid-run leaves it at the last applied batch and the next run starts from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.odoo_gateway import OdooError, OdooGateway, format_odoo_datetime, get_gateway, parse_odoo_datetime
from apps.portal.phrases import Text, data_of, english, phrase
from apps.sync.feeds import feed_error_text
from apps.sync.lease import Lease, LeaseLost
from apps.sync.mirror import batch_apply
from apps.sync.models import Feed, MirrorRecord, RunKind, RunStatus, SyncRun
from apps.sync.paging import PagingStalled, Position
from apps.sync.reader import PageReader
from apps.sync.stores import StoreResolver
from controltower.runtime import full_collections_held

logger = logging.getLogger(__name__)
Progress = Callable[[SyncRun], None]
Finish = Callable[..., None]  # ends a run in its last page's transaction, with the feed's changes (cursor)
PAGE_FIELDS = ["fetched", "created", "updated", "closed", "cursor_after"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cursor_text(write_date: datetime | None, odoo_id: int) -> str:
    return f"{format_odoo_datetime(write_date)}#{odoo_id}" if write_date else ""


def _skipped(run: SyncRun) -> SyncRun:
    run.close(status=RunStatus.SKIPPED)
    return run


def _outcome(error: Text, poll_started: datetime | None) -> dict[str, Any]:
    changes: dict[str, Any] = {"last_error": english(error), "last_error_wording": data_of(error)}
    if not error:
        changes["last_success_at"] = timezone.now()
        if poll_started is not None:
            changes["last_poll_started_at"] = poll_started
    return changes


def _finish(run: SyncRun, lease: Lease, *, error: Text = "", poll_started: datetime | None = None) -> SyncRun:
    """Record the outcome and release the feed in one update (an incremental run is mostly this). A
    run that lost its lease leaves the feed to the run that took it over."""
    if lease.release(**_outcome(error, poll_started)):
        run.close(error=error)
    else:
        run.close(error=error or phrase("Another run took the feed over (this run stopped renewing its lease)."),
                  status=RunStatus.INTERRUPTED)
    return run


def feed_sync(feed: Feed, *, full: bool = False, gateway: OdooGateway | None = None,
              progress: Progress | None = None) -> SyncRun:
    """Bring the feed's mirror up to date. The first run (or `full`) fetches the open records; later
    runs fetch everything changed since the cursor, minus an overlap window for late commits. A run
    that takes over from a dead first import continues it from the last applied batch."""
    gateway = gateway or get_gateway()
    feed.refresh_from_db()
    first = full or feed.cursor_write_date is None
    calls_before = gateway.rpc_count
    poll_started = timezone.now()
    # The first page is on its way while the run is recorded and the lease taken; a feed seen busy is
    # not read before its claim (a run skipped while a long import holds the feed costs Odoo nothing).
    seen_free = feed.lease_expires_at is None or feed.lease_expires_at < poll_started
    reader = PageReader(feed, gateway, *_start(feed, first=first)) if seen_free else None
    try:
        with transaction.atomic():  # the run record and the claim: one commit
            run = SyncRun.objects.create(feed=feed, kind=RunKind.FULL if first else RunKind.INCREMENTAL,
                                         cursor_before=_cursor_text(feed.cursor_write_date, feed.cursor_id))
            lease = Lease.claim(feed, run)
    except BaseException:
        if reader is not None:
            reader.close(wait=False)
        raise
    if lease is None:
        if reader is not None:
            reader.close(wait=False)
        return _skipped(run)
    dead = lease.interrupted
    if dead is not None and dead.kind == RunKind.FULL and not dead.cursor_before and not full:
        feed.refresh_from_db()  # the dead import's cursor: where it stopped applying
        first, run.kind = True, RunKind.FULL
        if reader is not None:
            reader.restart(*_start(feed, first=True, resume=True))
        else:
            reader = PageReader(feed, gateway, *_start(feed, first=True, resume=True))
        poll_started = min(poll_started, dead.started_at)  # changes made while it ran are still ahead
        run.save(update_fields=["kind"])
    pages = reader if reader is not None else PageReader(feed, gateway, *_start(feed, first=first))

    def work(finish: Finish) -> None:
        try:
            with full_collections_held():
                _sync_batches(feed, run, gateway, pages, first=first, progress=progress, renew=lease.renew,
                              finish=finish)
        finally:
            pages.close()

    return _leased(feed, run, lease, gateway, work, poll_started=poll_started, calls_before=calls_before)


def _start(feed: Feed, *, first: bool, resume: bool = False) -> tuple[list[Any], Position]:
    """The domain and the first position of a pass: a first (or full) pass reads the open records from
    the beginning, or from the cursor of a dead import it `resume`s; a later one from `_since`."""
    if not first:
        return list(feed.base_domain), _since(feed)
    position = Position(feed.cursor_write_date, feed.cursor_id) if resume and feed.cursor_write_date else Position()
    return [*feed.base_domain, *feed.domain], position


def _leased(feed: Feed, run: SyncRun, lease: Lease, gateway: OdooGateway, work: Callable[[Finish], None], *,
            poll_started: datetime | None = None, calls_before: int | None = None) -> SyncRun:
    """Do a run's work under its lease, count its round trips and record how it ended. Odoo's refusals,
    a stalled page or a lost lease end the run as failed; anything else is recorded and raised. Work
    that ends in a transaction of its own (a sync's last page) records the success there, with
    `finish`: the page, the cursor, the release and the run's record commit together."""
    calls_before = gateway.rpc_count if calls_before is None else calls_before

    def finish(**changes: Any) -> None:
        run.rpc_calls = gateway.rpc_count - calls_before
        if not lease.release(**_outcome("", poll_started), **changes):
            # the page rolls back
            raise LeaseLost(phrase("Run %(run)s lost the feed's lease to another run.", run=str(run.pk)))
        run.close()

    try:
        with lease.keep_alive():
            work(finish)
    except (OdooError, PagingStalled, LeaseLost) as exc:
        logger.warning("Sync of %s stopped: %s", feed.slug, exc)
        run.rpc_calls = gateway.rpc_count - calls_before
        return _finish(run, lease, error=feed_error_text(feed, exc))
    except BaseException as exc:
        run.rpc_calls = gateway.rpc_count - calls_before
        _finish(run, lease, error=f"{type(exc).__name__}: {exc}")
        raise
    if run.status != RunStatus.RUNNING:  # finished in its last page's transaction
        return run
    run.rpc_calls = gateway.rpc_count - calls_before
    return _finish(run, lease, poll_started=poll_started)


def _since(feed: Feed) -> Position:
    """Where an incremental pass starts.

    From the cursor (exclusive, keyset) — unless the previous pass began less than `overlap_seconds`
    after the cursor's write_date: a transaction that was still open then may since have committed a
    record stamped behind the cursor, so that window is read again from the start of its first second
    (upserts are idempotent). After a quiet spell the window is empty and a pass fetches only what
    changed.
    """
    assert feed.cursor_write_date is not None
    overlap = timedelta(seconds=feed.overlap_seconds)
    horizon = feed.last_poll_started_at - overlap if feed.last_poll_started_at else None
    if horizon is None or horizon < feed.cursor_write_date:
        since = min(feed.cursor_write_date, horizon) if horizon else feed.cursor_write_date - overlap
        return Position(since.replace(microsecond=0))
    return Position(feed.cursor_write_date, feed.cursor_id)


def _sync_batches(feed: Feed, run: SyncRun, gateway: OdooGateway, reader: PageReader, *, first: bool,
                  progress: Progress | None, renew: Callable[..., None], finish: Finish) -> None:
    """Apply the pages the reader brings, each in one transaction with the cursor it earned and the
    run's counts; the last one also ends the run (one commit for an incremental run's page and its
    bookkeeping)."""
    resolver = StoreResolver(feed, gateway)
    if first:
        run.total_expected = gateway.search_count(feed.odoo_model, reader.base + reader.position.domain())
    newest: datetime | None = None
    cursor = (feed.cursor_write_date, feed.cursor_id)
    for rows, learned, more in reader.pages():
        resolver.prepare(rows)
        if rows:
            newest = max(newest or _EPOCH, parse_odoo_datetime(rows[-1]["write_date"]))
        counts = run.counts()
        try:
            with transaction.atomic():
                result = batch_apply(feed, rows, resolver)
                moved = _cursor_moved(feed, *learned.cursor) if learned.cursor is not None else {}
                run.tally(len(rows), result.created_count, len(result.upserted), len(result.closed))
                run.cursor_after = _cursor_text(feed.cursor_write_date, feed.cursor_id)
                if more:
                    run.save(update_fields=[*PAGE_FIELDS, "total_expected"])
                    renew(**moved)
                else:
                    if newest is not None:
                        run.lag_seconds = max(0.0, (timezone.now() - newest).total_seconds())
                    finish(**moved)
        except BaseException:  # the page rolled back: so do its counts and the cursor it earned
            for name, value in counts.items():
                setattr(run, name, value)
            feed.cursor_write_date, feed.cursor_id = cursor
            run.cursor_after = _cursor_text(*cursor) if cursor[0] else ""
            raise
        cursor = (feed.cursor_write_date, feed.cursor_id)
        if progress is not None:
            progress(run)


def _cursor_moved(feed: Feed, write_date: datetime, odoo_id: int) -> dict[str, Any]:
    """The cursor's new place, to save with the lease's renewal (one statement); only forward: an
    overlap refetch must not move the cursor back."""
    if feed.cursor_write_date is None or (write_date, odoo_id) > (feed.cursor_write_date, feed.cursor_id):
        feed.cursor_write_date, feed.cursor_id = write_date, odoo_id
        return {"cursor_write_date": write_date, "cursor_id": odoo_id}
    return {}


def feed_reconcile(feed: Feed, *, gateway: OdooGateway | None = None) -> SyncRun:
    """Find mirrored records that left the feed or were deleted in Odoo (deletes never bump
    write_date), and open records the mirror missed (a lost hint, a cursor glitch)."""
    gateway = gateway or get_gateway()
    run = SyncRun.objects.create(feed=feed, kind=RunKind.RECONCILE)
    lease = Lease.claim(feed, run)
    if lease is None:
        return _skipped(run)

    def work(_: Finish) -> None:  # many transactions, none the last word: ended by `_finish`
        in_odoo = set(gateway.search(feed.odoo_model, list(feed.base_domain) + list(feed.domain)))
        mirrored_open = set(MirrorRecord.objects.filter(feed=feed).open().values_list("odoo_id", flat=True))
        left = mirrored_open - in_odoo
        missed = in_odoo - mirrored_open  # never seen, or closed here but open again in Odoo
        refetch_by_id(feed, sorted(left | missed), gateway=gateway, run=run, lease=lease)

    return _leased(feed, run, lease, gateway, work)


def refetch_by_id(feed: Feed, ids: list[int], *, gateway: OdooGateway, run: SyncRun | None = None,
                  lease: Lease | None = None) -> None:
    """Fetch records by id and apply them; ids Odoo no longer has are closed as deleted."""
    resolver = StoreResolver(feed, gateway)
    for start in range(0, len(ids), feed.batch_size):
        chunk = ids[start:start + feed.batch_size]
        rows = gateway.search_read(feed.odoo_model, [*feed.base_domain, ["id", "in", chunk]], feed.fetch_fields)
        resolver.prepare(rows)
        seen = {row["id"] for row in rows}
        with transaction.atomic():
            result = batch_apply(feed, rows, resolver, missing_ids=[i for i in chunk if i not in seen])
            if lease is not None:
                lease.renew()
        if run is not None:
            run.tally(len(rows), result.created_count, len(result.upserted), len(result.closed))
