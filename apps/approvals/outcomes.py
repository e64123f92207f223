"""What a write-back's final status means for its approval request."""

from __future__ import annotations

from django.utils import timezone

from apps import events
from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.events.types import ApprovalWriteBackFinished
from apps.writeback.models import WriteBack, WriteBackStatus


def approval_writeback_finished(writeback: WriteBack) -> None:
    """Called inside the transaction recording the final status. A conflict is the request's own
    state (Odoo moved elsewhere, surfaced to the approver); a failure or a dead letter keeps the
    decision, and the approver is told (`ApprovalWriteBackFinished`) and can retry from the request."""
    request = ApprovalRequest.objects.filter(writeback=writeback).select_related("store").first()
    if request is None:
        return
    if writeback.status == WriteBackStatus.CONFLICT and request.status in (ApprovalStatus.APPROVED,
                                                                            ApprovalStatus.REJECTED):
        ApprovalRequest.objects.filter(pk=request.pk).update(status=ApprovalStatus.CONFLICT,
                                                             updated_at=timezone.now())
        request.status = ApprovalStatus.CONFLICT
    events.emit(ApprovalWriteBackFinished(request=request, writeback=writeback))
