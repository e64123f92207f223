"""Queueing, claiming and applying write-backs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.live.broadcast import panels_changed
from apps.odoo_gateway import OdooError, OdooGateway, OdooUnavailable, get_gateway
from apps.writeback.executors import WriteBackConflict, WriteBackRefused, executor_for
from apps.writeback.models import PENDING, WriteBack, WriteBackStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.organisation.models import Store

logger = logging.getLogger(__name__)
Outcome = Callable[[WriteBack], None]
_OUTCOMES: dict[str, list[Outcome]] = {}
TOPIC = "writebacks"


def outcome_register(kind: str, callback: Outcome) -> None:
    """Called inside the transaction that records a final status (applied, conflict, failed, dead)."""
    if callback not in _OUTCOMES.setdefault(kind, []):
        _OUTCOMES[kind].append(callback)


def writeback_enqueue(*, kind: str, idempotency_key: str, odoo_model: str, odoo_id: int | None,
                      payload: dict[str, Any], store: Store | None, source: models.Model | None = None,
                      created_by: User | None = None) -> WriteBack:
    """Save the intent in the caller's transaction and start it once that transaction commits.

    The same idempotency key twice returns the existing row: a double-clicked decision writes once.
    """
    writeback, created = WriteBack.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={"kind": kind, "odoo_model": odoo_model, "odoo_id": odoo_id, "payload": payload, "store": store,
                  "source_type": source._meta.label_lower if source is not None else "",
                  "source_id": str(source.pk) if source is not None else "", "created_by": created_by},
    )
    if created:
        transaction.on_commit(lambda: _dispatch(writeback.pk))
        panels_changed(store_id=store.pk if store else None, topics=[TOPIC])
    return writeback


def _dispatch(pk: int) -> None:
    from apps.writeback.tasks import apply_writeback

    try:
        apply_writeback.delay(pk)
    except Exception:  # broker down: the periodic dispatcher picks the row up
        logger.warning("Could not enqueue write-back %s; the dispatcher will retry it", pk, exc_info=True)


def writeback_claim(pk: int) -> WriteBack | None:
    """Claim a due row with a conditional UPDATE: of two workers racing for it, exactly one wins."""
    now = timezone.now()
    claimed = WriteBack.objects.filter(pk=pk, status__in=PENDING, next_attempt_at__lte=now).update(
        status=WriteBackStatus.IN_PROGRESS, claimed_at=now, attempts=models.F("attempts") + 1, updated_at=now)
    return WriteBack.objects.get(pk=pk) if claimed else None


def writeback_run(pk: int, *, gateway: OdooGateway | None = None) -> WriteBack | None:
    """Claim and apply one row; returns it with its new status, or None when someone else has it."""
    writeback = writeback_claim(pk)
    if writeback is None:
        return None
    gateway = gateway or get_gateway()
    try:
        outcome = executor_for(writeback.kind)(writeback, gateway)
    except WriteBackConflict as exc:
        return _finish(writeback, WriteBackStatus.CONFLICT, error=str(exc))
    except WriteBackRefused as exc:
        return _finish(writeback, WriteBackStatus.FAILED, error=str(exc))
    except OdooUnavailable as exc:
        return _retry_or_dead(writeback, f"Odoo unavailable: {exc}")
    except OdooError as exc:
        return _finish(writeback, WriteBackStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        logger.exception("Write-back %s crashed", pk)
        return _retry_or_dead(writeback, f"{type(exc).__name__}: {exc}")
    return _finish(writeback, WriteBackStatus.APPLIED, result=outcome)


def _retry_or_dead(writeback: WriteBack, error: str) -> WriteBack:
    if writeback.attempts >= settings.CT_WRITEBACK_MAX_ATTEMPTS:
        return _finish(writeback, WriteBackStatus.DEAD, error=error)
    WriteBack.objects.filter(pk=writeback.pk, status=WriteBackStatus.IN_PROGRESS).update(
        status=WriteBackStatus.RETRYING, last_error=error, next_attempt_at=timezone.now() + writeback.backoff(),
        updated_at=timezone.now())
    writeback.refresh_from_db()
    panels_changed(store_id=writeback.store_id, topics=[TOPIC])
    return writeback


@transaction.atomic
def _finish(writeback: WriteBack, status: str, *, error: str = "", result: dict[str, Any] | None = None) -> WriteBack:
    writeback.refresh_from_db()
    writeback.status = status
    writeback.last_error = error
    if result:
        writeback.result = {**writeback.result, **result}
    if status == WriteBackStatus.APPLIED:
        writeback.applied_at = timezone.now()
    writeback.save(update_fields=["status", "last_error", "result", "applied_at", "updated_at"])
    audit_record(action=f"writeback.{status}", target=writeback, actor=writeback.created_by, store=writeback.store,
                 after=writeback.summary(), message=error)
    for callback in _OUTCOMES.get(writeback.kind, []):
        callback(writeback)
    panels_changed(store_id=writeback.store_id, topics=[TOPIC])
    return writeback


def writebacks_dispatch(*, gateway: OdooGateway | None = None, limit: int = 200) -> int:
    """Apply due rows (retries, and rows whose task was lost with a broker restart)."""
    writebacks_recover()
    done = 0
    for pk in WriteBack.objects.due().order_by("next_attempt_at").values_list("pk", flat=True)[:limit]:
        if writeback_run(pk, gateway=gateway) is not None:
            done += 1
    return done


def writebacks_recover() -> int:
    """Rows stuck in progress longer than the lease belong to a worker that died mid-call: retry them.
    The executors re-read Odoo first, so a change that did reach Odoo is not applied twice."""
    lease = timezone.now() - timedelta(seconds=settings.CT_WRITEBACK_LEASE_SECONDS)
    return WriteBack.objects.filter(status=WriteBackStatus.IN_PROGRESS, claimed_at__lt=lease).update(
        status=WriteBackStatus.RETRYING, next_attempt_at=timezone.now(), last_error="Worker lost; retrying.")


@transaction.atomic
def writeback_replay(*, writeback: WriteBack, actor: User, request: Any = None) -> WriteBack:
    """Operations send a failed, conflicted or dead row again (the executor re-checks Odoo first)."""
    if writeback.status not in (WriteBackStatus.DEAD, WriteBackStatus.FAILED, WriteBackStatus.CONFLICT):
        raise ValueError("Only failed, conflicted or dead-lettered write-backs can be replayed.")
    before = writeback.summary()
    WriteBack.objects.filter(pk=writeback.pk).update(status=WriteBackStatus.QUEUED, attempts=0,
                                                      next_attempt_at=timezone.now(), updated_at=timezone.now())
    writeback.refresh_from_db()
    audit_record(action="writeback.replayed", target=writeback, actor=actor, store=writeback.store,
                 request=request, before=before, after=writeback.summary())
    transaction.on_commit(lambda: _dispatch(writeback.pk))
    return writeback
