""""Fixed?": when Odoo closes an incident, the store that reported it confirms the fix or reopens it.

Only the store knows whether the freezer is cold again, so Odoo's "done" is a question to the store,
not the end. The answer is a row (an `IncidentOverride` of kind confirm or reopen, with the reason),
audited, and written back through the outbox (`executors.answer_execute`): a reopen moves the Odoo
record back to an open stage and notes the reason in its chatter; a confirmation only notes it. The
outbox's idempotency key and the note's marker make each answer reach Odoo exactly once, however
often it is retried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps import events
from apps.audit.services import audit_record
from apps.events.types import IncidentOverridden
from apps.incidents.executors import KIND_ANSWER
from apps.incidents.models import IncidentOverride, IncidentStatus, OverrideKind, StoreIncident, sla_deadline
from apps.organisation.roles import Action
from apps.organisation.scope import can
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def awaiting_answer(incident: StoreIncident) -> bool:
    """Odoo marked it done and the store has not said whether it is fixed."""
    return incident.status == IncidentStatus.RESOLVED and incident.fix_confirmed_at is None


def _answer(*, incident: StoreIncident, user: User, kind: str, reason: str,
            request: HttpRequest | None) -> IncidentOverride:
    if not can(user, Action.OPERATE, incident.store):
        raise PermissionDenied(gettext("Only people acting for %(store)s answer whether it is fixed.")
                               % {"store": incident.store})
    incident = StoreIncident.objects.select_for_update().select_related("store").get(pk=incident.pk)
    if not awaiting_answer(incident):
        raise ValidationError(gettext(
            "This incident is not waiting for a confirmation (it is open, or already answered)."))
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
    answer.writeback = writeback
    events.emit(IncidentOverridden(incident=incident, override=answer))
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
