"""Notifications, from domain events: who is told what, in the transaction of the change.

The notification rows are written in the emitting transaction (`Phase.TRANSACTION`: they exist exactly
when the change committed, and a reminder marked on its request is never sent twice); the e-mail and
the live badge follow after commit (`notify`). The service that emits the event decides who must act
(`recipients` in the payload) when that takes a rule; the wording and links are here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy, ngettext_lazy

from apps.events import Phase, Subscriber
from apps.events.types import (
    ApprovalEscalated,
    ApprovalReassigned,
    ApprovalReminderDue,
    ApprovalsArrived,
    ApprovalWriteBackFinished,
    IncidentEscalated,
    IncidentStatusChanged,
    WriteBacksDeadLettered,
)
from apps.notifications.announcements import arrived_notices, status_notices
from apps.notifications.models import NotificationKind
from apps.notifications.services import notify, notify_each
from apps.notifications.wording import InSentence, Moment, Words
from apps.portal.phrases import phrase_lazy

if TYPE_CHECKING:
    from apps.writeback.models import WriteBack

# How a write-back that did not apply reads after the request's name.
OUTCOME_WORDS = {
    "conflict": gettext_lazy("conflict in Odoo (it changed there first)"),
    "failed": gettext_lazy("Odoo refused the decision"),
    "dead": gettext_lazy("not applied in Odoo (dead-lettered)"),
}


def approvals_arrived(events: Sequence[ApprovalsArrived]) -> None:
    """New requests reach their deciders: one notification per person and sync batch."""
    notify_each(arrived_notices(request for event in events for request in event.requests))


def incident_status_changed(events: Sequence[IncidentStatusChanged]) -> None:
    """Odoo moved an incident: its store's managers are told."""
    notify_each(status_notices((event.incident, event.from_status) for event in events))


def approval_reassigned(events: Sequence[ApprovalReassigned]) -> None:
    for event in events:
        request = event.request
        notify(kind=NotificationKind.APPROVAL_ASSIGNED, recipients=[event.assignee],
               subject=Words(gettext_lazy("%(request)s was assigned to you"), request=str(request)), body=event.reason,
               link=reverse("approvals:detail", args=[request.pk]), store=request.store)


def approval_escalated(events: Sequence[ApprovalEscalated]) -> None:
    for event in events:
        request = event.request
        notify(kind=NotificationKind.ESCALATION, recipients=event.recipients,
               subject=Words(gettext_lazy("Escalated to you: %(request)s (%(store)s)"), request=str(request),
                             store=request.store.code),
               body=event.reason, link=reverse("approvals:detail", args=[request.pk]), store=request.store)


def approval_reminder_due(events: Sequence[ApprovalReminderDue]) -> None:
    for event in events:
        request = event.request
        notify(kind=NotificationKind.APPROVAL_REMINDER, recipients=event.recipients, subject=event.subject,
               body=Words(gettext_lazy("Deadline %(when)s. Policy: %(policy)s."),
                          when=Moment(request.deadline, "Y-m-d H:i"), policy=request.policy_label),
               link=reverse("approvals:detail", args=[request.pk]), store=request.store)


def approval_writeback_finished(events: Sequence[ApprovalWriteBackFinished]) -> None:
    """A failure, conflict or dead letter keeps the decision and tells the approver, who can retry."""
    for event in events:
        request, writeback = event.request, event.writeback
        if writeback.status == "applied" or writeback.created_by is None:
            continue
        words = OUTCOME_WORDS.get(writeback.status, writeback.get_status_display())
        notify(kind=NotificationKind.WRITEBACK_PROBLEM, recipients=[writeback.created_by],
               subject=Words(gettext_lazy("%(request)s: %(outcome)s"), request=str(request), outcome=words),
               body=phrase_lazy(writeback.error_wording, writeback.last_error),
               link=reverse("approvals:detail", args=[request.pk]), store=request.store)


def incident_escalated(events: Sequence[IncidentEscalated]) -> None:
    from apps.incidents.models import IncidentStatus
    from apps.incidents.taxonomy import Urgency

    for event in events:
        incident = event.incident
        notify(kind=NotificationKind.ESCALATION, recipients=event.recipients,
               subject=Words(gettext_lazy("Overdue incident at %(store)s: %(title)s"), store=incident.store.code,
                             title=incident.title),
               body=Words(gettext_lazy("%(reference)s (%(urgency)s) is %(hours)s h past its deadline and still "
                                       "%(status)s."), reference=incident.reference,
                          urgency=Urgency(incident.urgency).label, hours=event.hours_overdue,
                          status=InSentence(IncidentStatus(incident.status).label)),
               link=incident.get_absolute_url(), store=incident.store)


def _errors(rows: Sequence[WriteBack]) -> str:
    return "\n".join(f"{row}: {row.error_text}" for row in rows)


def writebacks_dead_lettered(events: Sequence[WriteBacksDeadLettered]) -> None:
    """Operations admins replay what is still wanted."""
    from apps.organisation.roles import Role

    people = list(get_user_model().objects.filter(is_active=True, role_grants__role=Role.OPERATIONS_ADMIN).distinct())
    for event in events:
        rows, hours = event.writebacks, event.window_hours
        notify(kind=NotificationKind.WRITEBACK_PROBLEM, recipients=people,
               subject=Words(ngettext_lazy("%(count)d write-back dead-lettered: Odoo unreachable for more than "
                                           "%(hours)s h",
                                           "%(count)d write-backs dead-lettered: Odoo unreachable for more than "
                                           "%(hours)s h", "count"), count=len(rows), hours=f"{hours:g}"),
               body=lazy(_errors, str)(rows[:50]),
               link=reverse("admin:writeback_writeback_changelist") + "?status__exact=dead")


SUBSCRIBERS = [
    Subscriber(ApprovalsArrived, approvals_arrived, Phase.TRANSACTION),
    Subscriber(IncidentStatusChanged, incident_status_changed, Phase.TRANSACTION),
    Subscriber(ApprovalReassigned, approval_reassigned, Phase.TRANSACTION),
    Subscriber(ApprovalEscalated, approval_escalated, Phase.TRANSACTION),
    Subscriber(ApprovalReminderDue, approval_reminder_due, Phase.TRANSACTION),
    Subscriber(ApprovalWriteBackFinished, approval_writeback_finished, Phase.TRANSACTION),
    Subscriber(IncidentEscalated, incident_escalated, Phase.TRANSACTION),
    Subscriber(WriteBacksDeadLettered, writebacks_dead_lettered, Phase.TRANSACTION),
]
