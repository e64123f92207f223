"""What a write-back's final status means for its approval request."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.live.broadcast import panels_changed
from apps.writeback.models import WriteBack, WriteBackStatus

# How a write-back that did not apply reads after the request's name.
OUTCOME_WORDS: dict[str, str] = {
    WriteBackStatus.CONFLICT: "conflict in Odoo (it changed there first)",
    WriteBackStatus.FAILED: "Odoo refused the decision",
    WriteBackStatus.DEAD: "not applied in Odoo (dead-lettered)",
}


def approval_writeback_finished(writeback: WriteBack) -> None:
    """Called inside the transaction recording the final status. A conflict is the request's own
    state (Odoo moved elsewhere, surfaced to the approver); a failure or a dead letter keeps the
    decision and tells the approver, who can retry from the request."""
    from apps.notifications.models import NotificationKind
    from apps.notifications.services import notify

    request = ApprovalRequest.objects.filter(writeback=writeback).select_related("store").first()
    if request is None:
        return
    if writeback.status == WriteBackStatus.CONFLICT and request.status in (ApprovalStatus.APPROVED,
                                                                            ApprovalStatus.REJECTED):
        ApprovalRequest.objects.filter(pk=request.pk).update(status=ApprovalStatus.CONFLICT,
                                                             updated_at=timezone.now())
    if writeback.status != WriteBackStatus.APPLIED and writeback.created_by is not None:
        notify(kind=NotificationKind.WRITEBACK_PROBLEM, recipients=[writeback.created_by],
               subject=f"{request}: {OUTCOME_WORDS.get(writeback.status, writeback.get_status_display())}",
               body=writeback.last_error, link=reverse("approvals:detail", args=[request.pk]), store=request.store)
    panels_changed(store_id=request.store_id, topics=["approvals"])
