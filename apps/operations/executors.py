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
from apps.writeback.executors import WriteBackRefused
from apps.writeback.models import WriteBack, WriteBackStatus

ORDERPOINT = "stock.warehouse.orderpoint"
ACTIVITY = "mail.activity"


def orderpoint_snooze(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    target = writeback.payload["snoozed_until"]
    if writeback.odoo_id is None:
        raise WriteBackRefused("The write-back names no reordering rule.")
    rows = gateway.read(ORDERPOINT, [writeback.odoo_id], ["snoozed_until"])
    if not rows:
        raise WriteBackRefused("The reordering rule no longer exists in Odoo.")
    if rows[0].get("snoozed_until") == target:
        return {"snoozed_until": target, "already": True}
    gateway.write(ORDERPOINT, [writeback.odoo_id], {"snoozed_until": target})
    return {"snoozed_until": target}


def activity_done(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    if writeback.odoo_id is None:
        raise WriteBackRefused("The write-back names no activity.")
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
    label = "Orderpoint snoozed in Odoo" if writeback.odoo_model == ORDERPOINT else "Activity marked done in Odoo"
    if writeback.status != WriteBackStatus.APPLIED:
        label = f"Odoo write-back {writeback.get_status_display().lower()}"
    change_emit(exception, ExceptionEvent.objects.create(
        exception=exception, action=EventAction.WRITEBACK, from_status=exception.status,
        to_status=exception.status, severity=exception.severity,
        note=f"{label}: {writeback.last_error}" if writeback.last_error else label,
        data={"writeback": writeback.pk, "status": writeback.status}))
