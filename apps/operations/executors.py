"""Write-backs of exception actions, applied by the outbox worker.

Both re-read Odoo first, so a retry after a worker died mid-call never applies the change twice:
an orderpoint already snoozed to the same day, or an activity already done (deleted, or archived by
activity types that keep done activities), counts as success.
"""

from __future__ import annotations

from typing import Any

from apps.odoo_gateway import OdooGateway
from apps.operations.models import EventAction, ExceptionEvent, OpsException
from apps.operations.projector import change_emit
from apps.portal.phrases import Stored, phrase
from apps.writeback.executors import WriteBackRefused
from apps.writeback.models import WriteBack, WriteBackStatus

ORDERPOINT = "stock.warehouse.orderpoint"
ACTIVITY = "mail.activity"


def orderpoint_snooze(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    target = writeback.payload["snoozed_until"]
    if writeback.odoo_id is None:
        raise WriteBackRefused(phrase("The write-back names no reordering rule."))
    rows = gateway.read(ORDERPOINT, [writeback.odoo_id], ["snoozed_until"])
    if not rows:
        raise WriteBackRefused(phrase("The reordering rule no longer exists in Odoo."))
    if rows[0].get("snoozed_until") == target:
        return {"snoozed_until": target, "already": True}
    gateway.write(ORDERPOINT, [writeback.odoo_id], {"snoozed_until": target})
    return {"snoozed_until": target}


def activity_done(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    if writeback.odoo_id is None:
        raise WriteBackRefused(phrase("The write-back names no activity."))
    rows = gateway.read(ACTIVITY, [writeback.odoo_id], ["active"])
    if not rows or rows[0].get("active") is False:
        return {"already_done": True}
    messages = gateway.call_for_ids(ACTIVITY, "action_feedback", [writeback.odoo_id],
                                    feedback=writeback.payload.get("feedback") or False)
    return {"message_id": messages[0] if messages else None}


def writeback_outcome(writeback: WriteBack) -> None:
    """Record the Odoo outcome in the exception's history (inside the outbox's final transaction)."""
    if writeback.source_type != OpsException._meta.label_lower or not writeback.source_id.isdigit():
        return
    exception = OpsException.objects.filter(pk=int(writeback.source_id)).first()
    if exception is None:
        return
    label = phrase("Orderpoint snoozed in Odoo") if writeback.odoo_model == ORDERPOINT \
        else phrase("Activity marked done in Odoo")
    if writeback.status != WriteBackStatus.APPLIED:
        label = {WriteBackStatus.FAILED: phrase("Odoo write-back failed"),
                 WriteBackStatus.CONFLICT: phrase("Odoo write-back in conflict"),
                 WriteBackStatus.DEAD: phrase("Odoo write-back dead-lettered")}.get(
            WriteBackStatus(writeback.status), phrase("Odoo write-back not applied"))
    error = Stored(writeback.error_wording) if writeback.error_wording else writeback.last_error
    note = phrase("%(outcome)s: %(error)s", outcome=label, error=error) if writeback.last_error else label
    change_emit(exception, ExceptionEvent.objects.create(
        exception=exception, action=EventAction.WRITEBACK, from_status=exception.status,
        to_status=exception.status, severity=exception.severity, note=note.english(),
        data={"writeback": writeback.pk, "status": writeback.status, "note_phrase": note.data()}))
