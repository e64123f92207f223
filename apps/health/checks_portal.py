"""Health of the portal's own machinery: sync feeds, the outbox, webhook hints, the worker, the Celery
queue and the channel layer. Database reads with a fixed number of queries, plus two short probes, so
the page and the metrics endpoint can judge them on every request, even with no worker running."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.urls import reverse

from apps.health import conf
from apps.health.models import HealthSignal, SignalCategory, SignalStatus, WorkerHeartbeat
from apps.health.readings import Reading, ago, graded
from apps.integration.selectors import unassigned_count
from apps.portal.phrases import Joined, Phrase, phrase, phrase_plural
from apps.sync.models import Feed, PendingRefetch, RunKind, RunStatus, SyncRun, WebhookRejection
from apps.writeback.models import IN_FLIGHT, WriteBack, WriteBackStatus

DEAD_LIST = "admin:writeback_writeback_changelist"
BROKEN_RUNS = (RunStatus.FAILED, RunStatus.INTERRUPTED)


def portal_readings(*, now: datetime) -> list[Reading]:
    return [*feed_readings(now=now), sync_errors_reading(now=now), unassigned_reading(), *outbox_readings(now=now),
            *hint_readings(now=now), heartbeat_reading(now=now), queue_reading(), channel_layer_reading()]


def feed_readings(*, now: datetime) -> list[Reading]:
    """Per feed: time since the last successful sync (how stale the mirror may be) and the last error.
    Hint runs refetch a few records by id: they neither prove a feed current nor carry its lag, so the
    latest poll or reconciliation is the one judged (a failed hint run counts in `sync.errors`)."""
    latest = SyncRun.objects.filter(feed=OuterRef("pk")).exclude(status=RunStatus.SKIPPED) \
        .exclude(kind=RunKind.HINT).order_by("-started_at", "-pk")
    feeds = Feed.objects.filter(enabled=True).annotate(last_status=Subquery(latest.values("status")[:1]),
                                                       change_lag=Subquery(latest.values("lag_seconds")[:1]))
    readings = []
    rule = phrase("time since last successful sync > %(degraded)s s → degraded, > %(failing)s s → failing; latest "
                  "run failed or interrupted → at least degraded", degraded=conf.SYNC_LAG_DEGRADED_SECONDS,
                  failing=conf.SYNC_LAG_FAILING_SECONDS)
    for feed in feeds:
        since = (now - feed.last_success_at).total_seconds() if feed.last_success_at else None
        status: str
        detail: Phrase
        if since is None:
            status = SignalStatus.FAILING if feed.last_error else SignalStatus.DEGRADED
            detail = phrase("Never synced: %(error)s", error=feed.last_error) if feed.last_error \
                else phrase("Not synced yet")
        else:
            status = graded(since, degraded=conf.SYNC_LAG_DEGRADED_SECONDS, failing=conf.SYNC_LAG_FAILING_SECONDS)
            if feed.last_status in BROKEN_RUNS and status == SignalStatus.OK:
                status = SignalStatus.DEGRADED
            detail = phrase("Last success %(ago)s", ago=ago(since))
            if feed.last_status in BROKEN_RUNS and feed.last_error:
                detail = phrase("Last success %(ago)s; latest run failed: %(error)s", ago=ago(since),
                                error=feed.last_error)
        readings.append(Reading(
            f"sync.feed.{feed.slug}", phrase("Sync: %(feed)s", feed=feed.name), SignalCategory.SYNC, status, rule,
            detail=detail,
            value=round(since, 1) if since is not None else None,
            action_url=reverse("admin:sync_syncrun_changelist") + f"?feed__id__exact={feed.pk}",
            data={"feed": feed.slug, "last_success_at": feed.last_success_at.timestamp() if feed.last_success_at
                  else None, "change_lag_seconds": feed.change_lag}))
    return readings


def sync_errors_reading(*, now: datetime) -> Reading:
    runs = SyncRun.objects.filter(started_at__gte=now - timedelta(hours=1)).aggregate(
        failed=Count("pk", filter=Q(status__in=BROKEN_RUNS)), total=Count("pk"))
    failed = runs["failed"] or 0
    last = SyncRun.objects.filter(status__in=BROKEN_RUNS).select_related("feed").order_by("-started_at").first() \
        if failed else None
    detail = phrase("%(failed)s of %(total)s sync runs (polls, reconciliations, hint refetches) failed or were "
                    "interrupted in the last hour", failed=failed, total=runs["total"])
    if last is not None:
        detail = phrase("%(runs)s; latest: %(feed)s (%(kind)s): %(error)s", runs=detail, feed=last.feed.slug,
                        kind=last.kind, error=last.error)
    return Reading("sync.errors", phrase("Sync run errors"), SignalCategory.SYNC, graded(failed, degraded=1),
                   phrase("a failed or interrupted sync run in the last hour → degraded"), detail=detail,
                   value=float(failed),
                   action_url=reverse("admin:sync_syncrun_changelist") + "?status__exact=failed")


def unassigned_reading() -> Reading:
    """Open records no store claimed reach nobody's inbox: someone has to assign them."""
    count = unassigned_count()
    return Reading("sync.unassigned", phrase("Records without a store"), SignalCategory.SYNC,
                   graded(count, degraded=1), phrase("an open mirrored record whose store is unknown → degraded"),
                   detail=phrase("%(count)s open records reach no store's people", count=count) if count
                   else phrase("Every open record has a store"),
                   value=float(count), action_url=reverse("integration:unassigned"))


def outbox_readings(*, now: datetime) -> list[Reading]:
    pending = IN_FLIGHT
    counts = WriteBack.objects.aggregate(
        pending=Count("pk", filter=Q(status__in=pending)),
        retrying=Count("pk", filter=Q(status__in=(WriteBackStatus.RETRYING, WriteBackStatus.WAITING))),
        dead=Count("pk", filter=Q(status=WriteBackStatus.DEAD)),
        refused=Count("pk", filter=Q(status__in=(WriteBackStatus.FAILED, WriteBackStatus.CONFLICT),
                                     updated_at__gte=now - timedelta(days=1))),
        oldest=Min("created_at", filter=Q(status__in=pending)))
    age = (now - counts["oldest"]).total_seconds() if counts["oldest"] else 0.0
    changelist = reverse(DEAD_LIST)
    depth_status = graded(counts["pending"], degraded=conf.OUTBOX_DEPTH_DEGRADED)
    if age > conf.OUTBOX_AGE_FAILING_SECONDS:
        depth_status = SignalStatus.FAILING
    elif age > conf.OUTBOX_AGE_DEGRADED_SECONDS and depth_status == SignalStatus.OK:
        depth_status = SignalStatus.DEGRADED
    dead_status = SignalStatus.FAILING if counts["dead"] else graded(counts["refused"], degraded=1)
    return [
        Reading("outbox.depth", phrase("Write-backs waiting"), SignalCategory.OUTBOX, depth_status,
                phrase("> %(depth)s waiting or oldest > %(degraded)s s → degraded, oldest > %(failing)s s → failing",
                       depth=conf.OUTBOX_DEPTH_DEGRADED, degraded=conf.OUTBOX_AGE_DEGRADED_SECONDS,
                       failing=conf.OUTBOX_AGE_FAILING_SECONDS),
                detail=phrase("%(count)s waiting, oldest %(seconds)s s", count=counts["pending"], seconds=int(age)),
                value=float(counts["pending"]), action_url=changelist + "?status__exact=queued"),
        Reading("outbox.retrying", phrase("Write-backs retrying"), SignalCategory.OUTBOX,
                graded(counts["retrying"], degraded=1),
                phrase("any write-back retrying or waiting for Odoo → degraded"),
                detail=phrase("%(count)s retrying or waiting for Odoo", count=counts["retrying"]),
                value=float(counts["retrying"]), action_url=changelist + "?status__exact=retrying"),
        Reading("outbox.dead", phrase("Dead-lettered and refused write-backs"), SignalCategory.OUTBOX, dead_status,
                phrase("dead-lettered → failing; failed or conflict in the last day → degraded"),
                detail=phrase("%(dead)s dead-lettered, %(refused)s failed or conflicted in the last day: replay them "
                              "once the cause is fixed", dead=counts["dead"], refused=counts["refused"]),
                value=float(counts["dead"]), action_url=changelist + "?status__exact=dead"),
    ]


NOISE_REJECTIONS = ("bad_token", "rate_limited")


def hint_readings(*, now: datetime) -> list[Reading]:
    pending = PendingRefetch.objects.aggregate(count=Count("pk"), oldest=Min("hinted_at"))
    age = (now - pending["oldest"]).total_seconds() if pending["oldest"] else 0.0
    # Refusals of a sender that knows the token (signature, replay, shape) mean hints are being lost
    # and can fail the signal; a wrong token or an address over its rate limit is the internet
    # knocking (or a sender with an outdated URL) and at most degrades it.
    counted = WebhookRejection.objects.filter(received_at__gte=now - timedelta(hours=1)).aggregate(
        total=Sum("count", default=0), noise=Sum("count", default=0, filter=Q(reason__in=NOISE_REJECTIONS)))
    rejected, noise = counted["total"], counted["noise"]
    return [
        Reading("hints.pending", phrase("Webhook hints accepted, waiting for refetch"), SignalCategory.HINTS,
                graded(age, degraded=conf.HINT_AGE_DEGRADED_SECONDS, failing=5 * conf.HINT_AGE_DEGRADED_SECONDS),
                phrase("oldest pending hint > %(degraded)s s → degraded, > %(failing)s s → failing",
                       degraded=conf.HINT_AGE_DEGRADED_SECONDS, failing=5 * conf.HINT_AGE_DEGRADED_SECONDS),
                detail=phrase("%(count)s records to refetch, oldest %(seconds)s s", count=pending["count"],
                              seconds=int(age)), value=float(pending["count"]),
                action_url=reverse("admin:sync_pendingrefetch_changelist")),
        Reading("hints.rejected", phrase("Webhook hints rejected"), SignalCategory.HINTS,
                graded(rejected, degraded=1, failing=conf.REJECTIONS_FAILING + noise),
                phrase("rejections in the last hour: ≥ 1 → degraded, ≥ %(failing)s with the right token → failing",
                       failing=conf.REJECTIONS_FAILING),
                detail=phrase("%(count)s rejected in the last hour, %(noise)s of them a wrong token or over the rate "
                              "limit", count=rejected, noise=noise),
                value=float(rejected), action_url=reverse("admin:sync_webhookrejection_changelist")),
    ]


def heartbeat_reading(*, now: datetime) -> Reading:
    """Each worker records a heartbeat through every queue it consumes (a periodic task per queue): a
    queue without a fresh one has no worker, so its work (write-backs, syncs, webhooks, the checks) has
    stopped — a dead decisions worker shows even while another worker beats on. A beat that names no
    queue stands for every queue."""
    from django.conf import settings

    beats = list(WorkerHeartbeat.objects.order_by("-beat_at")[:50])
    rule = phrase("no heartbeat in the last %(seconds)s s on a queue → failing", seconds=conf.HEARTBEAT_STALE_SECONDS)
    label = phrase("Celery worker heartbeat")
    if not beats:
        return Reading("worker.heartbeat", label, SignalCategory.WORKER, SignalStatus.FAILING, rule,
                       detail=phrase("No worker has ever reported"))
    latest: dict[str, float] = {}
    for queue in settings.CELERY_QUEUE_NAMES:
        ages = [(now - b.beat_at).total_seconds() for b in beats if b.queue in (queue, "")]
        if ages:
            latest[queue] = min(ages)
    silent = [q for q in settings.CELERY_QUEUE_NAMES if latest.get(q, conf.HEARTBEAT_STALE_SECONDS + 1)
              > conf.HEARTBEAT_STALE_SECONDS]
    age = max(latest.values(), default=(now - beats[0].beat_at).total_seconds())
    workers = Joined(tuple(phrase("%(worker)s (%(ago)s)", worker=b.worker, ago=ago((now - b.beat_at).total_seconds()))
                           for b in sorted(beats[:5], key=lambda b: b.worker)), separator=", ")
    detail = phrase("Oldest queue heartbeat %(ago)s: %(workers)s", ago=ago(age), workers=workers)
    if silent:
        detail = phrase("No worker on %(queues)s. %(heartbeat)s", queues=", ".join(silent), heartbeat=detail)
    return Reading("worker.heartbeat", label, SignalCategory.WORKER,
                   SignalStatus.FAILING if silent else SignalStatus.OK, rule, detail=detail, value=round(age, 1))


def queue_depths() -> dict[str, int]:
    """Messages waiting in each Celery queue, asked of the broker (Redis or the file broker)."""
    from django.conf import settings
    from kombu.exceptions import ChannelError

    from controltower.celery import app

    depths: dict[str, int] = {}
    with app.connection_for_read() as connection:
        connection.ensure_connection(max_retries=1, timeout=int(max(1, conf.PROBE_TIMEOUT_SECONDS)))
        channel: Any = connection.default_channel
        for queue in settings.CELERY_QUEUE_NAMES:
            try:
                depths[queue] = int(channel.queue_declare(queue=queue, passive=True).message_count)
            except (ChannelError, FileNotFoundError):  # no queue (or file-broker folder) yet: nothing was sent
                depths[queue] = 0
    return depths


def queue_depth() -> int:
    """Messages waiting in every Celery queue together."""
    return sum(queue_depths().values())


def queue_reading() -> Reading:
    rule = phrase("queue depth ≥ %(degraded)s → degraded, ≥ %(failing)s → failing; broker unreachable → failing",
                  degraded=conf.QUEUE_DEPTH_DEGRADED, failing=conf.QUEUE_DEPTH_FAILING)
    label = phrase("Celery queue")
    try:
        depths = queue_depths()
    except Exception as exc:  # any broker or network error means: tasks cannot be queued
        return Reading("worker.queue", label, SignalCategory.WORKER, SignalStatus.FAILING, rule,
                       detail=phrase("Broker unreachable: %(error)s", error=type(exc).__name__))
    depth = sum(depths.values())
    each = ", ".join(f"{queue} {count}" for queue, count in depths.items())
    return Reading("worker.queue", label, SignalCategory.WORKER,
                   graded(depth, degraded=conf.QUEUE_DEPTH_DEGRADED, failing=conf.QUEUE_DEPTH_FAILING), rule,
                   detail=phrase("%(count)s tasks waiting (%(queues)s)", count=depth, queues=each), value=float(depth))


async def _round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")
    channel = await layer.new_channel("health-probe.")
    await layer.send(channel, {"type": "health.probe", "id": uuid.uuid4().hex})
    await asyncio.wait_for(layer.receive(channel), timeout=conf.PROBE_TIMEOUT_SECONDS)


def channel_layer_status(failed_in_a_row: int) -> str:
    """Judged over the last `PROBE_SAMPLES` probes, so one slow probe never flips live updates."""
    if failed_in_a_row >= conf.PROBE_SAMPLES:
        return SignalStatus.FAILING
    return SignalStatus.DEGRADED if failed_in_a_row >= 2 else SignalStatus.OK


def channel_layer_reading() -> Reading:
    """A message sent to a fresh channel must come back: live updates need a reachable layer. The count
    of failed probes in a row is carried from reading to reading on the signal itself."""
    samples = conf.PROBE_SAMPLES
    rule = (phrase("a probe message not back within %(seconds)s s, %(samples)s probes in a row → failing, 2 or more "
                   "→ degraded", seconds=conf.PROBE_TIMEOUT_SECONDS, samples=samples) if samples > 2 else
            phrase("a probe message not back within %(seconds)s s, %(samples)s probes in a row → failing",
                   seconds=conf.PROBE_TIMEOUT_SECONDS, samples=samples))
    label = phrase("Channel layer (live updates)")
    before = HealthSignal.objects.filter(key="live.channel-layer").values_list("data", flat=True).first() or {}
    try:
        async_to_sync(_round_trip)()
    except Exception as exc:  # Redis down, timeout, misconfiguration: live updates may be off
        failed = int(before.get("failed_in_a_row", 0)) + 1
        return Reading("live.channel-layer", label, SignalCategory.LIVE,
                       channel_layer_status(failed), rule, value=0.0, data={"failed_in_a_row": failed},
                       detail=phrase_plural("%(count)s probe in a row failed; the last: %(error)s",
                                            "%(count)s probes in a row failed; the last: %(error)s", number="count",
                                            count=failed, error=f"{type(exc).__name__}: {exc}"[:240]))
    return Reading("live.channel-layer", label, SignalCategory.LIVE, SignalStatus.OK, rule,
                   detail=phrase("Probe message delivered"), value=1.0, data={"failed_in_a_row": 0})
