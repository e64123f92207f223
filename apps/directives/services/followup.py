"""Deadlines of directives, driven by beat: a reminder to the store before its due time, the regional
manager told at the due time (`directive.overdue`), HQ after `CT_DIRECTIVE_HQ_ESCALATION_HOURS`; and
for a directive with a launch time, one `directive_overdue` exception per store not ready, its
severity rising as the launch approaches, closed only when the region approves the store.

Each notice is claimed with a conditional UPDATE in the transaction that sends it, so a second run
(or two beat processes) never sends it twice.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext_lazy
from django_stubs_ext import StrOrPromise

from apps import events
from apps.audit.services import audit_record
from apps.directives import conf
from apps.directives.models import (
    OPEN_COPY_STATUSES,
    WORKABLE_STATUSES,
    CopyStatus,
    DirectiveStatus,
    StoreDirective,
)
from apps.events.types import DirectiveOverdue, ExceptionOpened, ExceptionResolved, ExceptionUpdated
from apps.live.broadcast import panels_changed
from apps.notifications.wording import Moment, Words
from apps.operations.models import EventAction, ExceptionEvent, ExceptionKind, ExceptionStatus, OpsException, Severity
from apps.organisation.roles import Role
from apps.portal import phrases

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

EXCEPTION_MODEL = "directives.storedirective"  # the exception points at the store's copy, not an Odoo record
EXCEPTION_TOPIC = "exception"


@dataclass
class FollowupRun:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    exceptions_opened: int = 0
    exceptions_raised: int = 0


def people(role: Role, **where: object) -> QuerySet[User]:
    return get_user_model().objects.filter(is_active=True, role_grants__role=role,
                                           **{f"role_grants__{k}": v for k, v in where.items()}).distinct()


def _claim(copy: StoreDirective, field: str, now: datetime) -> bool:
    return bool(StoreDirective.objects.filter(pk=copy.pk, status__in=WORKABLE_STATUSES,
                                              **{f"{field}__isnull": True}).update(**{field: now}))


def _notify(copy: StoreDirective, recipients: QuerySet[User], subject: StrOrPromise) -> None:
    from apps.notifications.models import NotificationKind
    from apps.notifications.services import notify

    notify(kind=NotificationKind.DIRECTIVE, recipients=list(recipients), subject=subject, store=copy.store,
           link=copy.get_absolute_url(),
           body=Words(ngettext_lazy("Due %(due)s store time. %(answered)d of %(count)d item answered.",
                                    "Due %(due)s store time. %(answered)d of %(count)d items answered.", "count"),
                      due=Moment(copy.due_at, "d M H:i", _zone(copy)), answered=copy.answers.count(),
                      count=copy.directive.items.count()))


def _zone(copy: StoreDirective) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(copy.store.timezone)


def directives_followup(*, now: datetime | None = None) -> FollowupRun:
    """One pass: reminders, due-time notices, HQ escalations, and the launch exceptions."""
    now = now or timezone.now()
    run = FollowupRun()
    live = StoreDirective.objects.filter(directive__status=DirectiveStatus.PUBLISHED, status__in=WORKABLE_STATUSES
                                         ).select_related("store", "directive")
    for copy in live.filter(reminded_at__isnull=True, due_at__gt=now,
                            due_at__lte=now + timedelta(hours=conf.REMINDER_HOURS)):
        with transaction.atomic():
            if _claim(copy, "reminded_at", now):
                _notify(copy, people(Role.STORE_MANAGER, store=copy.store),
                        Words(gettext_lazy("Reminder: %(title)s is due soon (%(store)s)"),
                              title=copy.directive.title, store=copy.store.code))
                run.reminded += 1
    for copy in live.filter(overdue_notified_at__isnull=True, due_at__lte=now):
        with transaction.atomic():
            if _claim(copy, "overdue_notified_at", now):
                _notify(copy, people(Role.REGIONAL_MANAGER, region=copy.store.region_id),
                        Words(gettext_lazy("Overdue: %(store)s has not finished %(title)s"),
                              store=copy.store.code, title=copy.directive.title))
                events.emit(DirectiveOverdue(copy=copy))
                panels_changed(store_id=copy.store_id, topics=["directives"])
                run.overdue += 1
    hq_after = now - timedelta(hours=conf.HQ_ESCALATION_HOURS)
    for copy in live.filter(hq_notified_at__isnull=True, due_at__lte=hq_after):
        with transaction.atomic():
            if _claim(copy, "hq_notified_at", now):
                _notify(copy, people(Role.HQ_EXECUTIVE),
                        Words(gettext_lazy("Escalated: %(store)s is %(hours)s h past due on %(title)s"),
                              store=copy.store.code, hours=f"{conf.HQ_ESCALATION_HOURS:g}",
                              title=copy.directive.title))
                audit_record(action="directive.escalated", target=copy, store=copy.store, actor_label="schedule",
                             after={"tier": "hq"})
                run.escalated += 1
    opened, raised = launch_exceptions(now=now)
    run.exceptions_opened, run.exceptions_raised = opened, raised
    return run


def launch_severity(copy: StoreDirective, now: datetime) -> int:
    """Low while the launch is far, rising as it approaches; critical once it has passed."""
    assert copy.launch_at is not None
    left = (copy.launch_at - now).total_seconds() / 3600
    if left <= 0:
        return Severity.CRITICAL
    if left <= conf.LAUNCH_HIGH_HOURS:
        return Severity.HIGH
    if left <= conf.LAUNCH_MEDIUM_HOURS:
        return Severity.MEDIUM
    return Severity.LOW


APPROACHING = phrases.phrase("Launch approaching")


def launch_exceptions(*, now: datetime) -> tuple[int, int]:
    """A store not ready once its due time (or the launch) has passed has one exception; its severity
    follows the clock. Returns (opened, severity raised)."""
    opened = raised = 0
    late = (StoreDirective.objects.filter(directive__status=DirectiveStatus.PUBLISHED, status__in=OPEN_COPY_STATUSES,
                                          launch_at__isnull=False)
            .filter(Q(due_at__lte=now) | Q(launch_at__lte=now)).select_related("store", "directive"))
    existing = {e.odoo_id: e for e in OpsException.objects.filter(
        kind=ExceptionKind.DIRECTIVE_OVERDUE, odoo_model=EXCEPTION_MODEL, odoo_id__in=[c.pk for c in late])}
    for copy in late:
        severity = launch_severity(copy, now)
        exception = existing.get(copy.pk)
        launch = copy.launch_at
        assert launch is not None
        with transaction.atomic():
            if exception is None:
                title = phrases.phrase("%(directive)s: not ready", directive=copy.directive.title)
                detail = phrases.phrase("Launch %(launch)s store time; %(status)s",
                                        launch=phrases.Moment(timezone.localtime(launch, _zone(copy))),
                                        status=phrases.label_phrase(CopyStatus(copy.status).label))
                exception = OpsException.objects.create(
                    store=copy.store, kind=ExceptionKind.DIRECTIVE_OVERDUE, odoo_model=EXCEPTION_MODEL,
                    odoo_id=copy.pk, title=title.english()[:200], detail=detail.english()[:300],
                    wording={"title": title.data(), "detail": detail.data()}, severity=severity, opened_at=now,
                    started_at=min(copy.due_at, launch), deadline=launch)
                opened_row = ExceptionEvent.objects.create(exception=exception, action=EventAction.OPENED,
                                                           to_status=ExceptionStatus.OPEN, severity=severity, at=now)
                events.emit(ExceptionOpened(exception=exception, change=opened_row))
                opened += 1
            elif exception.is_active and severity > exception.severity:
                OpsException.objects.filter(pk=exception.pk).update(severity=severity, updated_at=now)
                raised_row = ExceptionEvent.objects.create(exception=exception, action=EventAction.ESCALATED,
                                                           from_status=exception.status, to_status=exception.status,
                                                           severity=severity, at=now, note=APPROACHING.english(),
                                                           data={"note_phrase": APPROACHING.data()})
                exception.severity = severity
                events.emit(ExceptionUpdated(exception=exception, change=raised_row))
                raised += 1
            else:
                continue
            panels_changed(store_id=copy.store_id, topics=[EXCEPTION_TOPIC, "directives"])
    return opened, raised


def overdue_exception_close(copy: StoreDirective, *, actor: User | None, note: str) -> bool:
    """The only way a `directive_overdue` exception closes: the region approved the store (or the
    directive was cancelled). Called inside the approving transaction."""
    exception = OpsException.objects.select_for_update().filter(
        kind=ExceptionKind.DIRECTIVE_OVERDUE, odoo_model=EXCEPTION_MODEL, odoo_id=copy.pk).first()
    if exception is None or not exception.is_active:
        return False
    before = exception.status
    now = timezone.now()
    exception.status, exception.resolved_at, exception.resolution_note = ExceptionStatus.RESOLVED, now, note
    exception.condition_active = False
    exception.save(update_fields=["status", "resolved_at", "resolution_note", "condition_active", "updated_at"])
    change = ExceptionEvent.objects.create(exception=exception, action=EventAction.RESOLVED, actor=actor,
                                           from_status=before, to_status=exception.status,
                                           severity=exception.severity, note=note, at=now)
    events.emit(ExceptionResolved(exception=exception, change=change))
    audit_record(action="exception.resolved", target=exception, actor=actor, store=copy.store,
                 before={"status": before}, after={"status": exception.status}, message=note)
    panels_changed(store_id=copy.store_id, topics=[EXCEPTION_TOPIC])
    return True
