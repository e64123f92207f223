"""Undo: a person takes a decision back inside its undo window (CT_APPROVAL_UNDO_SECONDS).

A decision's write-back is held (`WriteBack.not_before`) for the window, so until it ends nothing has
gone to Odoo: undoing deletes the decision and withdraws its write-back, the request is open again,
and the audit trail records both the decision and its undoing (it is append-only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps import events
from apps.approvals.models import ApprovalRequest, ApprovalStatus, Decision
from apps.audit.services import audit_record
from apps.events.types import ApprovalUndone
from apps.writeback.services import writeback_withdraw

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

def undo_until(decision: Decision) -> datetime | None:
    """When the decision's undo window ends (None: undo is off): its write-back's hold, which starts
    a moment after the decision."""
    seconds = settings.CT_APPROVAL_UNDO_SECONDS
    if not seconds or not decision.actor_id:
        return None
    until = decision.created_at + timedelta(seconds=seconds)
    held = decision.writeback.not_before if decision.writeback is not None else None
    return max(until, held) if held is not None else until


def _too_late(decision: Decision, request: ApprovalRequest) -> str:
    return _("Too late to undo %(request)s: the decision has gone to Odoo.") % {"request": request}


@transaction.atomic
def decisions_undo(*, decisions: Sequence[Decision], actor: User,
                   http_request: HttpRequest | None = None) -> list[ApprovalRequest]:
    """Take back one decision or a whole bulk decision, all or nothing.

    Only the person who decided may undo, only inside the window and only while the write-back is
    still held: `writeback_withdraw` is a conditional delete that a worker's claim cannot also win,
    so an undone decision never reaches Odoo and one that reached Odoo is never undone.
    """
    if not decisions:
        raise ValidationError(_("Nothing to undo."))
    now = timezone.now()
    requests = {item.pk: item for item in ApprovalRequest.objects.select_for_update().select_related("store")
                .filter(pk__in={decision.request_id for decision in decisions})}
    undone = []
    for decision in sorted(decisions, key=lambda item: item.pk):
        request = requests[decision.request_id]
        if decision.actor_id != actor.pk:
            raise PermissionDenied(_("Only the person who decided can undo a decision."))
        until = undo_until(decision)
        if until is None or until <= now or decision.round != request.round:
            raise ValidationError(_("Too late to undo %(request)s: the undo window has closed.") % {"request": request})
        before = {"status": request.status, "decision": decision.pk, "outcome": decision.outcome,
                  "writeback": decision.writeback_id}
        if decision.final:
            if decision.writeback is None or not writeback_withdraw(decision.writeback):
                raise ValidationError(_too_late(decision, request))
            previous = (Decision.objects.filter(request=request).exclude(pk=decision.pk)
                        .exclude(writeback=None).order_by("-created_at", "-pk").first())
            request.status = ApprovalStatus.OPEN
            request.decided_at = None
            request.writeback = previous.writeback if previous is not None else None
            request.save(update_fields=["status", "decided_at", "writeback", "updated_at"])
        decision_id, outcome = decision.pk, decision.outcome
        decision.delete()
        audit_record(action="approval.undone", target=request, actor=actor, store=request.store,
                     request=http_request, before=before, after={"status": request.status},
                     message=f"{decision.get_outcome_display()} undone within the undo window; nothing was sent "
                             "to Odoo.")
        events.emit(ApprovalUndone(request=request, decision_id=decision_id, outcome=outcome, actor=actor))
        undone.append(request)
    return undone
