"""Queueing, claiming and applying write-backs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from apps import events
from apps.audit.services import audit_record
from apps.events.types import (
    WriteBackDeferred,
    WriteBackFinished,
    WriteBackQueued,
    WriteBacksDeadLettered,
    WriteBackWithdrawn,
)
from apps.odoo_gateway import OdooError, OdooGateway, OdooUnavailable, get_gateway
from apps.portal.phrases import Moment, Text, data_of, english, phrase
from apps.writeback.executors import WriteBackConflict, WriteBackRefused, executor_for
from apps.writeback.models import PENDING, WriteBack, WriteBackStatus
from apps.writeback.outage import odoo_probe, outage_current, outage_end, outage_record, probe_claim, writeback_hold

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.organisation.models import Store

logger = logging.getLogger(__name__)
Outcome = Callable[[WriteBack], None]
_OUTCOMES: dict[str, list[Outcome]] = {}


def outcome_register(kind: str, callback: Outcome) -> None:
    """Called inside the transaction that records a final status (applied, conflict, failed, dead)."""
    if callback not in _OUTCOMES.setdefault(kind, []):
        _OUTCOMES[kind].append(callback)


def writeback_enqueue(*, kind: str, idempotency_key: str, odoo_model: str, odoo_id: int | None,
                      payload: dict[str, Any], store: Store | None, source: models.Model | None = None,
                      created_by: User | None = None, hold_seconds: float = 0) -> WriteBack:
    """Save the intent in the caller's transaction and start it once that transaction commits.

    The same idempotency key twice returns the existing row: a double-clicked decision writes once.
    `hold_seconds` keeps it from every worker for that long (`not_before`, a decision's undo window):
    until then `writeback_withdraw` can take it back and Odoo never hears of it.
    """
    not_before = timezone.now() + timedelta(seconds=hold_seconds) if hold_seconds > 0 else None
    writeback, created = WriteBack.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={"kind": kind, "odoo_model": odoo_model, "odoo_id": odoo_id, "payload": payload, "store": store,
                  "source_type": source._meta.label_lower if source is not None else "",
                  "source_id": str(source.pk) if source is not None else "", "created_by": created_by,
                  "not_before": not_before, "next_attempt_at": not_before or timezone.now()},
    )
    if created:
        transaction.on_commit(lambda: _dispatch(writeback.pk, delay=hold_seconds))
        events.emit(WriteBackQueued(writeback=writeback))
    return writeback


def _dispatch(pk: int, *, delay: float = 0) -> None:
    """Send the task now, or for the end of the row's hold (the periodic dispatcher is the safety net)."""
    from apps.writeback.tasks import apply_writeback

    try:
        if delay > 0:
            apply_writeback.apply_async((pk,), countdown=delay)
        else:
            apply_writeback.delay(pk)
    except Exception:  # broker down: the periodic dispatcher picks the row up
        logger.warning("Could not enqueue write-back %s; the dispatcher will retry it", pk, exc_info=True)


def writeback_claim(pk: int) -> WriteBack | None:
    """Claim a due row with a conditional UPDATE: of two workers racing for it, exactly one wins.
    A held row (inside its undo window) is never due, so a claim and a withdrawal cannot both win."""
    now = timezone.now()
    claimed = (WriteBack.objects.filter(pk=pk, status__in=PENDING, next_attempt_at__lte=now)
               .exclude(not_before__gt=now)
               .update(status=WriteBackStatus.IN_PROGRESS, claimed_at=now, attempts=models.F("attempts") + 1,
                       updated_at=now))
    return WriteBack.objects.get(pk=pk) if claimed else None


def writeback_hold_remaining(pk: int) -> float:
    """Seconds until a held row may be claimed (0 when it is due or gone)."""
    not_before = (WriteBack.objects.filter(pk=pk, status=WriteBackStatus.QUEUED)
                  .values_list("not_before", flat=True).first())
    return max(0.0, (not_before - timezone.now()).total_seconds()) if not_before else 0.0


def writeback_withdraw(writeback: WriteBack) -> bool:
    """Take a held row back before any worker saw it (a decision undone inside its window).

    One conditional DELETE: it only matches while the row is queued and still held, and a worker's
    claim only matches once the hold is over, so exactly one of them wins. False: too late, it is
    on its way to Odoo (or there already).
    """
    deleted, _ = WriteBack.objects.filter(pk=writeback.pk, status=WriteBackStatus.QUEUED,
                                          not_before__gt=timezone.now()).delete()
    if deleted:
        events.emit(WriteBackWithdrawn(writeback_id=writeback.pk, store=writeback.store_id))
    return bool(deleted)


def writeback_run(pk: int, *, gateway: OdooGateway | None = None) -> WriteBack | None:
    """Claim and apply one row; returns it with its new status, or None when someone else has it.
    While Odoo is down (see `outage`) the row waits without a call."""
    outage = outage_current()
    if outage is not None:
        return writeback_hold(pk, outage)
    writeback = writeback_claim(pk)
    if writeback is None:
        return None
    gateway = gateway or get_gateway()
    try:
        outcome = executor_for(writeback.kind)(writeback, gateway)
    except WriteBackConflict as exc:
        return _finish(writeback, WriteBackStatus.CONFLICT, error=exc.said)
    except WriteBackRefused as exc:
        return _finish(writeback, WriteBackStatus.FAILED, error=exc.said)
    except OdooUnavailable as exc:
        return _wait_for_odoo(writeback, f"{type(exc).__name__}: {exc}", gateway)
    except OdooError as exc:
        return _finish(writeback, WriteBackStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        logger.exception("Write-back %s crashed", pk)
        return _retry_or_dead(writeback, f"{type(exc).__name__}: {exc}")
    return _finish(writeback, WriteBackStatus.APPLIED, result=outcome)


def _wait_for_odoo(writeback: WriteBack, error: str, gateway: OdooGateway) -> WriteBack:
    """Odoo did not answer this row: it waits (its own capped backoff; attempts are not counted against
    it) and, when a probe confirms Odoo is down, the whole outbox pauses. `writebacks_expire`
    dead-letters it only once it has waited longer than the window."""
    now = timezone.now()
    said = phrase("Odoo unavailable: %(error)s", error=error)
    WriteBack.objects.filter(pk=writeback.pk, status=WriteBackStatus.IN_PROGRESS).update(
        status=WriteBackStatus.WAITING, last_error=said.english(), error_wording=said.data(),
        waiting_since=writeback.waiting_since or now, next_attempt_at=now + writeback.backoff(), updated_at=now)
    problem = odoo_probe(gateway)
    if problem is not None:
        outage = outage_record(problem)
        logger.warning("Odoo unreachable since %s; the outbox waits (next probe %s)", outage.unreachable_since,
                       outage.next_probe_at)
    writeback.refresh_from_db()
    _deferred(writeback)
    return writeback


def _deferred(writeback: WriteBack) -> None:
    events.emit(WriteBackDeferred(writeback_id=writeback.pk, status=writeback.status, reason=writeback.last_error,
                                  store=writeback.store_id))


def _retry_or_dead(writeback: WriteBack, error: str) -> WriteBack:
    """An unexpected crash (not Odoo being away) is retried with backoff a bounded number of times."""
    if writeback.attempts >= settings.CT_WRITEBACK_MAX_ATTEMPTS:
        return _finish(writeback, WriteBackStatus.DEAD, error=error)
    WriteBack.objects.filter(pk=writeback.pk, status=WriteBackStatus.IN_PROGRESS).update(
        status=WriteBackStatus.RETRYING, last_error=error, error_wording={},
        next_attempt_at=timezone.now() + writeback.backoff(),
        updated_at=timezone.now())
    writeback.refresh_from_db()
    _deferred(writeback)
    return writeback


@transaction.atomic
def _finish(writeback: WriteBack, status: str, *, error: Text = "", result: dict[str, Any] | None = None) -> WriteBack:
    writeback.refresh_from_db()
    writeback.status = status
    writeback.last_error, writeback.error_wording = english(error), data_of(error)
    if result:
        writeback.result = {**writeback.result, **result}
    if status == WriteBackStatus.APPLIED:
        writeback.applied_at = timezone.now()
    writeback.save(update_fields=["status", "last_error", "error_wording", "result", "applied_at", "updated_at"])
    audit_record(action=f"writeback.{status}", target=writeback, actor=writeback.created_by, store=writeback.store,
                 after=writeback.summary(), message=writeback.last_error)
    for callback in _OUTCOMES.get(writeback.kind, []):
        callback(writeback)
    events.emit(WriteBackFinished(writeback=writeback))
    return writeback


def writebacks_dispatch(*, gateway: OdooGateway | None = None, limit: int = 200) -> int:
    """Apply due rows oldest first (retries, rows held during an outage, and rows whose task was lost
    with a broker restart). While Odoo is down only one worker probes it, when the probe is due."""
    writebacks_recover()
    writebacks_expire()
    if outage_current() is not None:
        if not probe_claim():
            return 0
        gateway = gateway or get_gateway()
        problem = odoo_probe(gateway)
        if problem is not None:
            outage_record(problem)
            return 0
        outage_end()
        logger.info("Odoo answers again; the outbox resumes in order")
    done = 0
    for pk in WriteBack.objects.due().order_by("created_at", "pk").values_list("pk", flat=True)[:limit]:
        writeback = writeback_run(pk, gateway=gateway)
        if writeback is None:
            continue
        done += 1
        if writeback.status == WriteBackStatus.WAITING and outage_current() is not None:
            break  # Odoo went down: the rest wait for the next probe
    return done


def writebacks_expire() -> int:
    """Dead-letter rows that waited for an unreachable Odoo longer than the window (measured from when
    each started waiting, or was decided if later), and tell operations: past the window the decision
    may no longer be what anyone wants applied, so a person replays it."""
    hours = settings.CT_WRITEBACK_OUTAGE_WINDOW_HOURS
    cutoff = timezone.now() - timedelta(hours=hours)
    expired = []
    for pk in WriteBack.objects.filter(status=WriteBackStatus.WAITING, waiting_since__lte=cutoff,
                                       created_at__lte=cutoff).order_by("pk").values_list("pk", flat=True):
        if not WriteBack.objects.filter(pk=pk, status=WriteBackStatus.WAITING).update(
                status=WriteBackStatus.IN_PROGRESS, claimed_at=timezone.now()):
            continue  # a worker took it meanwhile
        writeback = WriteBack.objects.get(pk=pk)
        assert writeback.waiting_since is not None
        since = timezone.localtime(writeback.waiting_since)
        expired.append(_finish(writeback, WriteBackStatus.DEAD, error=phrase(
            "Not applied: Odoo was unreachable from %(since)s for more than %(hours)s h (%(error)s). Check that the "
            "decision still stands, then replay it.", since=Moment(since), hours=hours,
            error=writeback.last_error.removeprefix("Odoo unavailable: "))))
    if expired:
        events.emit(WriteBacksDeadLettered(writebacks=tuple(expired), window_hours=hours))
    return len(expired)


def writebacks_recover() -> int:
    """Rows stuck in progress longer than the lease belong to a worker that died mid-call: retry them.
    The executors re-read Odoo first, so a change that did reach Odoo is not applied twice."""
    lease = timezone.now() - timedelta(seconds=settings.CT_WRITEBACK_LEASE_SECONDS)
    lost = list(WriteBack.objects.filter(status=WriteBackStatus.IN_PROGRESS, claimed_at__lt=lease)
                .values_list("pk", "store_id"))
    said = phrase("Worker lost; retrying.")
    error = said.english()
    count = WriteBack.objects.filter(pk__in=[pk for pk, _ in lost], status=WriteBackStatus.IN_PROGRESS,
                                     claimed_at__lt=lease).update(
        status=WriteBackStatus.RETRYING, next_attempt_at=timezone.now(), last_error=error, error_wording=said.data())
    with events.batched():
        for pk, store_id in lost:
            events.emit(WriteBackDeferred(writeback_id=pk, status=WriteBackStatus.RETRYING, reason=error,
                                          store=store_id))
    return count


@transaction.atomic
def writeback_replay(*, writeback: WriteBack, actor: User, request: Any = None) -> WriteBack:
    """Operations send a failed, conflicted or dead row again (the executor re-checks Odoo first)."""
    if writeback.status not in (WriteBackStatus.DEAD, WriteBackStatus.FAILED, WriteBackStatus.CONFLICT):
        raise ValueError("Only failed, conflicted or dead-lettered write-backs can be replayed.")
    before = writeback.summary()
    WriteBack.objects.filter(pk=writeback.pk).update(status=WriteBackStatus.QUEUED, attempts=0, waiting_since=None,
                                                      next_attempt_at=timezone.now(), updated_at=timezone.now())
    writeback.refresh_from_db()
    audit_record(action="writeback.replayed", target=writeback, actor=actor, store=writeback.store,
                 request=request, before=before, after=writeback.summary())
    events.emit(WriteBackQueued(writeback=writeback, replayed=True))
    transaction.on_commit(lambda: _dispatch(writeback.pk))
    return writeback
