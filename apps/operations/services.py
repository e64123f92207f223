"""What people do with exceptions (acknowledge, assign, snooze, resolve) and the periodic pass.

Each action locks the row, re-checks the person's right on the store, records an event and an audit
entry, and, where Odoo has the same concept, queues the write-back in the same transaction: snoozing
a replenishment risk snoozes the orderpoint, resolving an overdue activity marks it done.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from apps.audit.services import audit_record
from apps.odoo_gateway import OdooError, OdooGateway, format_odoo_date, get_gateway
from apps.operations import conf
from apps.operations.enrichment import bill_matches_refresh, document_stores_resolve, product_costs_refresh
from apps.operations.models import (
    ACTIVE_STATUSES,
    CLOSED_ELSEWHERE,
    EventAction,
    ExceptionEvent,
    ExceptionKind,
    ExceptionStatus,
    OpsException,
)
from apps.operations.projector import change_emit, exceptions_reassess
from apps.operations.rules import timezone_of
from apps.organisation.roles import Action
from apps.organisation.scope import can
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger(__name__)
SNOOZE_WRITEBACK = "operations.orderpoint_snooze"
ACTIVITY_DONE_WRITEBACK = "operations.activity_done"
MAX_NOTE = 2000
MAX_REASON = 300


class ExceptionActionRefused(Exception):
    """The input is invalid: nothing was changed (answered with 400)."""

    status_code = 400


class ExceptionStateConflict(ExceptionActionRefused):
    """The action does not fit the exception's current state, e.g. resolving a closed one (409)."""

    status_code = 409


def _locked(exception: OpsException, actor: User) -> OpsException:
    """Re-read under lock and re-check the right: the page may be stale and roles may have changed."""
    locked = OpsException.objects.select_for_update().select_related("store").get(pk=exception.pk)
    if not can(actor, Action.OPERATE, locked.store):
        raise PermissionDenied(gettext("Acting on exceptions needs the right to act for store %(store)s; "
                                       "your roles let you view it only.") % {"store": locked.store.code})
    return locked


# Refusals for an exception that is no longer active, by what was tried.
INACTIVE_REFUSALS = {
    "assigned": gettext_lazy("This exception is %(status)s: it cannot be assigned."),
    "snoozed": gettext_lazy("This exception is %(status)s: it cannot be snoozed."),
    "resolved": gettext_lazy("This exception is %(status)s: it cannot be resolved."),
}


def _require_active(exception: OpsException, verb: str) -> None:
    if exception.kind in CLOSED_ELSEWHERE and verb in ("snoozed", "resolved"):
        refused = (gettext("This exception cannot be snoozed here.") if verb == "snoozed"
                   else gettext("This exception cannot be resolved here."))
        raise ExceptionStateConflict(f"{refused} {CLOSED_ELSEWHERE[exception.kind]}")
    if exception.status not in ACTIVE_STATUSES:
        status = str(exception.get_status_display()).lower()
        raise ExceptionStateConflict(INACTIVE_REFUSALS[verb] % {"status": status})


def _record(exception: OpsException, action: str, *, actor: User, before: str, request: HttpRequest | None,
            note: str = "", data: dict[str, Any] | None = None) -> ExceptionEvent:
    """Save, then the event, the audit entry and the live notice, all in the caller's transaction."""
    exception.save()
    event = ExceptionEvent.objects.create(exception=exception, action=action, actor=actor, from_status=before,
                                          to_status=exception.status, severity=exception.severity, note=note,
                                          data=data or {})
    owner = exception.owner.get_username() if exception.owner else None
    audit_record(action=f"exception.{action}", target=exception, actor=actor, store=exception.store,
                 request=request, before={"status": before}, message=note,
                 after={"status": exception.status, "owner": owner, **(data or {})})
    change_emit(exception, event)
    return event


@transaction.atomic
def exception_acknowledge(*, exception: OpsException, actor: User, request: HttpRequest | None = None
                          ) -> OpsException:
    """Someone has seen it and owns it: the clock to acknowledge stops (a KPI)."""
    exception = _locked(exception, actor)
    if exception.status != ExceptionStatus.OPEN:
        raise ExceptionStateConflict(gettext("Only an open exception can be acknowledged; this one is %(status)s.")
                                     % {"status": str(exception.get_status_display()).lower()})
    before = exception.status
    exception.status, exception.acknowledged_at = ExceptionStatus.ACKNOWLEDGED, timezone.now()
    exception.owner = exception.owner or actor
    _record(exception, EventAction.ACKNOWLEDGED, actor=actor, before=before, request=request)
    return exception


@transaction.atomic
def exception_assign(*, exception: OpsException, actor: User, owner: User,
                     request: HttpRequest | None = None) -> OpsException:
    """Give the exception an owner who can act for its store (no one else could work it)."""
    exception = _locked(exception, actor)
    _require_active(exception, "assigned")
    if not owner.is_active or not can(owner, Action.OPERATE, exception.store):
        raise ExceptionActionRefused(gettext("%(name)s cannot act for store %(store)s.") % {
            "name": owner.get_username(), "store": exception.store.code})
    before = exception.status
    exception.owner = owner
    _record(exception, EventAction.ASSIGNED, actor=actor, before=before, request=request,
            note=f"Assigned to {owner.get_username()}", data={"assigned_to": owner.get_username()})
    return exception


@transaction.atomic
def exception_snooze(*, exception: OpsException, actor: User, until: datetime, reason: str,
                     request: HttpRequest | None = None) -> OpsException:
    """Park it until a time, with a reason. A replenishment risk also snoozes the orderpoint in Odoo,
    so Odoo's replenishment report stays quiet for the same days."""
    reason = reason.strip()
    if not reason:
        raise ExceptionActionRefused(gettext("Say why the exception is snoozed."))
    if len(reason) > MAX_REASON:
        raise ExceptionActionRefused(gettext("The reason is limited to %(count)d characters.") % {"count": MAX_REASON})
    now = timezone.now()
    if until <= now + timedelta(minutes=1):
        raise ExceptionActionRefused(gettext("Snooze until a time in the future."))
    if until > now + timedelta(days=conf.MAX_SNOOZE_DAYS):
        raise ExceptionActionRefused(gettext("A snooze lasts at most %(count)d days.")
                                     % {"count": conf.MAX_SNOOZE_DAYS})
    exception = _locked(exception, actor)
    _require_active(exception, "snoozed")
    before = exception.status
    exception.status, exception.snoozed_until, exception.snooze_reason = ExceptionStatus.SNOOZED, until, reason
    exception.wording.pop("snooze_reason", None)  # a person's reason is shown as they wrote it
    event = _record(exception, EventAction.SNOOZED, actor=actor, before=before, request=request, note=reason,
                    data={"until": until.isoformat()})
    if exception.kind == ExceptionKind.REPLENISHMENT_RISK:
        day = until.astimezone(timezone_of(exception.store.timezone)).date()
        writeback_enqueue(kind=SNOOZE_WRITEBACK, idempotency_key=f"ops-exception-{exception.pk}-event-{event.pk}",
                          odoo_model=exception.odoo_model, odoo_id=exception.odoo_id,
                          payload={"snoozed_until": format_odoo_date(day)}, store=exception.store,
                          source=exception, created_by=actor)
    return exception


@transaction.atomic
def exception_resolve(*, exception: OpsException, actor: User, note: str,
                      request: HttpRequest | None = None) -> OpsException:
    """Handled, with a note saying how. An overdue activity is marked done in Odoo with the note as
    feedback; if the Odoo condition comes back later, the exception reopens by itself."""
    note = note.strip()
    if not note:
        raise ExceptionActionRefused(gettext("Write a note saying how the exception was resolved."))
    if len(note) > MAX_NOTE:
        raise ExceptionActionRefused(gettext("The note is limited to %(count)d characters.") % {"count": MAX_NOTE})
    exception = _locked(exception, actor)
    _require_active(exception, "resolved")
    before = exception.status
    exception.status, exception.resolved_at, exception.resolution_note = (ExceptionStatus.RESOLVED, timezone.now(),
                                                                          note)
    event = _record(exception, EventAction.RESOLVED, actor=actor, before=before, request=request, note=note)
    if exception.kind == ExceptionKind.OVERDUE_ACTIVITY:
        writeback_enqueue(kind=ACTIVITY_DONE_WRITEBACK,
                          idempotency_key=f"ops-exception-{exception.pk}-event-{event.pk}",
                          odoo_model=exception.odoo_model, odoo_id=exception.odoo_id,
                          payload={"feedback": note}, store=exception.store, source=exception, created_by=actor)
    return exception


def exceptions_refresh(*, gateway: OdooGateway | None = None, now: datetime | None = None) -> int:
    """The periodic pass: costs and activity stores from Odoo (skipped while Odoo is unreachable, the
    rules then run on what is cached), then the rules on the mirror. Returns exceptions changed."""
    try:
        gateway = gateway or get_gateway()
        product_costs_refresh(gateway=gateway)
        document_stores_resolve(gateway=gateway)
        bill_matches_refresh(gateway=gateway)
    except OdooError as exc:
        logger.warning("Exception enrichment skipped: %s", exc)
    return exceptions_reassess(now=now)
