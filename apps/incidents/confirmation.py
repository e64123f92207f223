""""Fixed?": when Odoo closes an incident, the store that reported it confirms the fix or reopens it.

Only the store knows whether the freezer is cold again, so Odoo's "done" is a question to the store,
not the end. The answer is a row (an `IncidentOverride` of kind confirm or reopen, with the reason),
audited, and written back through the outbox: a reopen moves the Odoo record back to an open stage
and notes the reason in its chatter; a confirmation only notes it. The outbox's idempotency key and
the note's marker make each answer reach Odoo exactly once, however often it is retried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.incidents.delivery import note_once, person_name
from apps.incidents.models import IncidentOverride, IncidentStatus, OverrideKind, StoreIncident, sla_deadline
from apps.incidents.odoo_records import MAINTENANCE_REQUEST, PROJECT_TASK, TASK_CLOSED_STATES
from apps.live.broadcast import panels_changed
from apps.odoo_gateway import OdooGateway, m2o_id
from apps.organisation.roles import Action
from apps.organisation.scope import can
from apps.writeback.executors import WriteBackConflict, WriteBackRefused
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

KIND_ANSWER = "incident.store_answer"
TOPIC = "incidents"


def awaiting_answer(incident: StoreIncident) -> bool:
    """Odoo marked it done and the store has not said whether it is fixed."""
    return incident.status == IncidentStatus.RESOLVED and incident.fix_confirmed_at is None


def _answer(*, incident: StoreIncident, user: User, kind: str, reason: str,
            request: HttpRequest | None) -> IncidentOverride:
    if not can(user, Action.OPERATE, incident.store):
        raise PermissionDenied(f"Only people acting for {incident.store} answer whether it is fixed.")
    incident = StoreIncident.objects.select_for_update().select_related("store").get(pk=incident.pk)
    if not awaiting_answer(incident):
        raise ValidationError("This incident is not waiting for a confirmation (it is open, or already answered).")
    before = incident.snapshot()
    now = timezone.now()
    if kind == OverrideKind.REOPEN:
        incident.status, incident.closed_at, incident.reopened_at = IncidentStatus.IN_PROGRESS, None, now
        incident.deadline = sla_deadline(now, incident.urgency)
    else:
        incident.fix_confirmed_at = now
    incident.save()
    answer = IncidentOverride.objects.create(incident=incident, kind=kind, reason=reason, actor=user, before=before,
                                             after=incident.snapshot())
    audit_record(action=f"incident.{kind}", target=incident, actor=user, store=incident.store, request=request,
                 before=before, after=answer.after, message=reason)
    writeback = writeback_enqueue(kind=KIND_ANSWER, idempotency_key=f"incident-answer-{answer.pk}",
                                  odoo_model=incident.odoo_model, odoo_id=incident.odoo_id,
                                  payload={"incident_id": incident.pk, "override_id": answer.pk},
                                  store=incident.store, source=answer, created_by=user)
    IncidentOverride.objects.filter(pk=answer.pk).update(writeback=writeback)
    panels_changed(store_id=incident.store_id, topics=[TOPIC])
    return answer


@transaction.atomic
def incident_fix_confirm(*, incident: StoreIncident, user: User, request: HttpRequest | None = None
                         ) -> IncidentOverride:
    """The store says it is fixed: the prompt goes away and Odoo's chatter says so."""
    return _answer(incident=incident, user=user, kind=OverrideKind.CONFIRM_FIXED, request=request,
                   reason="Confirmed fixed by the store.")


@transaction.atomic
def incident_reopen(*, incident: StoreIncident, user: User, reason: str, request: HttpRequest | None = None
                    ) -> IncidentOverride:
    """The store says it is not fixed: open again here at once (with a fresh deadline), and in Odoo."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what is still wrong: the technician reads it in Odoo."})
    return _answer(incident=incident, user=user, kind=OverrideKind.REOPEN, reason=reason[:1000], request=request)


# -- write-back ----------------------------------------------------------------------------------

def _open_stage(gateway: OdooGateway, model: str, row: dict[str, Any]) -> int | None:
    if model == MAINTENANCE_REQUEST:
        found = gateway.search("maintenance.stage", [["done", "=", False]], order="sequence asc, id asc", limit=1)
    elif model == PROJECT_TASK and m2o_id(row.get("project_id")):
        found = gateway.search("project.task.type", [["project_ids", "in", [m2o_id(row["project_id"])]],
                                                     ["fold", "=", False]], order="sequence asc, id asc", limit=1)
    else:
        found = []
    return found[0] if found else None


def _reopen_values(gateway: OdooGateway, model: str, row: dict[str, Any]) -> dict[str, Any]:
    """What puts the record back in work, respecting the contract: a maintenance request reopens by
    moving to a stage that is not done (Odoo then clears `close_date`) and unarchiving; a task's
    `state` is separate from its stage, so both are written."""
    if model == MAINTENANCE_REQUEST:
        if not (row.get("close_date") or row.get("archive")):
            return {}
        stage = _open_stage(gateway, model, row)
        return {**({"stage_id": stage} if stage else {}), **({"archive": False} if row.get("archive") else {})}
    if model == PROJECT_TASK:
        if row.get("state") not in TASK_CLOSED_STATES:
            return {}
        stage = _open_stage(gateway, model, row)
        return {"state": "01_in_progress", **({"stage_id": stage} if stage else {})}
    raise WriteBackRefused(f"Reopening a {model} is not supported; reopen it in Odoo.")


FIELDS = {MAINTENANCE_REQUEST: ["stage_id", "close_date", "archive"], PROJECT_TASK: ["stage_id", "state", "project_id"]}


def answer_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Reopen (when still closed) and note the answer. Re-reading first makes a retry after a lost
    reply a no-op for the stage; the note is found by its marker."""
    answer = (IncidentOverride.objects.select_related("incident__store", "actor")
              .filter(pk=writeback.payload.get("override_id")).first())
    if answer is None:
        raise WriteBackRefused("The store's answer no longer exists in the portal.")
    incident = answer.incident
    model, odoo_id = incident.odoo_model, writeback.odoo_id or incident.odoo_id
    if not odoo_id:
        raise WriteBackRefused("The incident is not in Odoo.")
    changes: dict[str, Any] = {}
    if answer.kind == OverrideKind.REOPEN:
        rows = gateway.read(model, [odoo_id], FIELDS.get(model, ["stage_id"]))
        if not rows:
            raise WriteBackConflict(f"{model} {odoo_id} no longer exists in Odoo.")
        changes = _reopen_values(gateway, model, rows[0])
        if changes:
            gateway.write(model, [odoo_id], changes)
        body = f"Not fixed: reopened by {person_name(answer.actor)} ({incident.store.code}) in Control Tower.\n" \
               f"Reason: {answer.reason}"
        marker = f"Control Tower reopen {incident.reference}/{answer.pk}"
    else:
        body = f"Fix confirmed by {person_name(answer.actor)} ({incident.store.code}) in Control Tower."
        marker = f"Control Tower fixed {incident.reference}/{answer.pk}"
    message_id = note_once(gateway, writeback, model=model, odoo_id=odoo_id, body=body, marker=marker)
    return {"changed": sorted(changes), "message_id": message_id}


def answer_outcome(writeback: WriteBack) -> None:
    panels_changed(store_id=writeback.store_id, topics=[TOPIC])


def register() -> None:
    """Called from IncidentsConfig.ready()."""
    from apps.writeback.executors import executor_register
    from apps.writeback.services import outcome_register

    executor_register(KIND_ANSWER, answer_execute)
    outcome_register(KIND_ANSWER, answer_outcome)
