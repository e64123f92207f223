"""The lease a sync run holds on its feed, so that two workers never run one feed at once and a run
that died (a killed worker, a hung process) never holds it for long.

The holder renews the lease in the transaction of every batch it applies, and from a timer thread
while a batch or an Odoo read is slow. A lease not renewed for `conf.SYNC_LEASE_SECONDS` (60 s) is
free: the next run takes it with a compare-and-set, marks the dead run interrupted and continues
from the cursor, which only ever moved with committed batches. A holder that comes back after losing
its lease finds out at its next renewal, inside the batch's transaction, so it commits nothing more.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone

from apps.portal.phrases import Phrase, phrase
from apps.sync import conf
from apps.sync.models import Feed, RunStatus, SyncRun

logger = logging.getLogger(__name__)


class LeaseLost(RuntimeError):
    """Another run took the feed over: this one stopped renewing for longer than the lease. `said` is
    the message as a phrase, kept with the run's error for each reader's language."""

    def __init__(self, said: Phrase) -> None:
        super().__init__(said.english())
        self.said = said


def _expiry() -> datetime:
    return timezone.now() + timedelta(seconds=conf.SYNC_LEASE_SECONDS)


@dataclass
class Lease:
    feed_id: int
    run_id: int
    interrupted: SyncRun | None = None

    @classmethod
    def claim(cls, feed: Feed, run: SyncRun) -> Lease | None:
        """Take the feed for `run` unless a live lease holds it; a dead holder's run is marked
        interrupted. None when the feed is busy."""
        now = timezone.now()
        held: dict[str, Any] = {"lease_expires_at": feed.lease_expires_at, "lease_run_id": feed.lease_run_id}
        taken = 0
        if feed.lease_expires_at is None or feed.lease_expires_at < now:  # free as the caller read it: try that
            taken = cls._take(feed, run, held, now)
        if not taken:
            held = dict(Feed.objects.filter(pk=feed.pk).values("lease_expires_at", "lease_run_id").get())
            if held["lease_expires_at"] is not None and held["lease_expires_at"] >= now:
                return None
            if cls._take(feed, run, held, now) != 1:
                return None  # another run claimed it between our read and our update
        interrupted = None
        if held["lease_run_id"] is not None:
            interrupted = SyncRun.objects.filter(pk=held["lease_run_id"], status=RunStatus.RUNNING).first()
        if interrupted is not None:
            interrupted.status, interrupted.finished_at = RunStatus.INTERRUPTED, now
            said = phrase("Interrupted: the run stopped renewing its lease, which lapsed at %(lapsed)s UTC; run "
                          "%(run)s took the feed over from the last applied batch.",
                          lapsed=f"{held['lease_expires_at']:%Y-%m-%d %H:%M:%S}", run=str(run.pk))
            interrupted.error, interrupted.error_wording = said.english(), said.data()
            interrupted.save(update_fields=["status", "finished_at", "error", "error_wording"])
            logger.warning("Sync of feed %s: run %s was interrupted; run %s continues", feed.slug,
                           interrupted.pk, run.pk)
        return cls(feed_id=feed.pk, run_id=run.pk, interrupted=interrupted)

    @staticmethod
    def _take(feed: Feed, run: SyncRun, held: dict[str, Any], now: datetime) -> int:
        """Compare and set: the lease moves to `run` only if it is still as `held` says."""
        return Feed.objects.filter(pk=feed.pk, lease_expires_at=held["lease_expires_at"],
                                   lease_run_id=held["lease_run_id"]) \
            .update(lease_expires_at=_expiry(), lease_run_id=run.pk, running_since=now)

    def renew(self, **changes: object) -> None:
        """Extend the lease (and record `changes` on the feed, such as the cursor a batch earned); raise
        LeaseLost if another run holds it now. Called inside each batch's transaction, so a run that
        lost the feed rolls its batch back."""
        if not Feed.objects.filter(pk=self.feed_id, lease_run_id=self.run_id).update(lease_expires_at=_expiry(),
                                                                                      **changes):
            raise LeaseLost(phrase("Run %(run)s lost the feed's lease to another run.", run=str(self.run_id)))

    def holds(self) -> bool:
        return Feed.objects.filter(pk=self.feed_id, lease_run_id=self.run_id).exists()

    def release(self, **changes: object) -> bool:
        """Free the feed (and record `changes` on it) if this run still holds it."""
        return bool(Feed.objects.filter(pk=self.feed_id, lease_run_id=self.run_id).update(
            lease_expires_at=None, lease_run=None, running_since=None, **changes))

    def keep_alive(self) -> Heartbeat:
        return Heartbeat(self)


class Heartbeat:
    """Renews the lease every `conf.SYNC_LEASE_RENEW_SECONDS` from a thread while a batch or a read is
    slow, so only a dead or hung process loses its feed. Use as a context manager around the run."""

    def __init__(self, lease: Lease) -> None:
        self.lease = lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"sync-lease-{lease.feed_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(conf.SYNC_LEASE_RENEW_SECONDS):
                try:
                    self.lease.renew()
                except LeaseLost:
                    logger.warning("Sync run %s lost its lease; it stops at its next batch", self.lease.run_id)
                    return
                except Exception as exc:  # a busy database must not kill the heartbeat: the next beat retries
                    logger.warning("Could not renew the lease of sync run %s: %s", self.lease.run_id, exc)
                    close_old_connections()
        finally:
            connection.close()
