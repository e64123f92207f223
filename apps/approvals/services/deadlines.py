"""Deadlines: a reminder at a share of the time, one at the deadline, then escalation to the next tier.

Driven by Celery beat (`schedule.py`); each step is marked on the request in the same transaction as
its notification, so a second run (or two beat processes) never reminds twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps import events
from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.approvals.services.overrides import deciders_for, request_escalate
from apps.events.types import ApprovalReminderDue
from apps.notifications.wording import Words
from apps.portal.phrases import phrase


@dataclass
class DeadlineRun:
    reminded: int = 0
    due: int = 0
    escalated: int = 0


def _remind(request: ApprovalRequest, *, subject: StrOrPromise, field: str, now: datetime) -> bool:
    with transaction.atomic():
        claimed = ApprovalRequest.objects.filter(pk=request.pk, status=ApprovalStatus.OPEN,
                                                 **{f"{field}__isnull": True}).update(**{field: now})
        if not claimed:
            return False
        events.emit(ApprovalReminderDue(request=request, subject=subject, recipients=tuple(deciders_for(request))))
    return True


def approvals_deadlines_check(*, now: datetime | None = None) -> DeadlineRun:
    """One pass over open requests: reminders due, deadlines reached, escalations to make."""
    now = now or timezone.now()
    run = DeadlineRun()
    open_requests = ApprovalRequest.objects.open().select_related("store", "assignee")
    for request in open_requests.filter(remind_at__lte=now, reminded_at__isnull=True, deadline__gt=now):
        reminder = Words(gettext_lazy("Reminder: %(request)s (%(store)s) is waiting for you"), request=str(request),
                         store=request.store.code)
        run.reminded += _remind(request, subject=reminder,
                                field="reminded_at", now=now)
    for request in open_requests.filter(deadline__lte=now, due_notified_at__isnull=True):
        run.due += _remind(request, subject=Words(gettext_lazy("Deadline reached: %(request)s (%(store)s)"),
                                                  request=str(request), store=request.store.code),
                           field="due_notified_at", now=now)
    for request in open_requests.filter(deadline__lte=now, tier__lt=2):
        request_escalate(request=request, actor=None,
                         reason=phrase("Tier %(tier)s deadline passed without a decision.", tier=str(request.tier)))
        run.escalated += 1
    return run
