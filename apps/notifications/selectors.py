"""Reads for the notification centre and the morning digest, all through the scope choke point."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from apps.notifications import conf
from apps.notifications.models import Notification, NotificationKind, NotificationSettings
from apps.organisation.roles import Action
from apps.portal.formats import store_clock_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser

PANEL_SIZE = 20


def notifications_for(user: Person, *, limit: int = PANEL_SIZE) -> QuerySet[Notification]:
    """The person's notifications, newest first (unread and read alike)."""
    return Notification.objects.for_user(user).select_related("store")[:limit]


def unread_count(user: Person) -> int:
    return Notification.objects.for_user(user).unread().count()


def notification_for(user: Person, pk: int) -> Notification | None:
    return Notification.objects.for_user(user).filter(pk=pk).first()


def notification_settings_of(user: User) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def channel_rows(chosen: NotificationSettings) -> list[dict[str, Any]]:
    """The preferences form's rows: each kind with the person's channel for it."""
    return [{"kind": kind.value, "label": kind.label, "channel": chosen.channel(kind)} for kind in NotificationKind]


def local_zone(chosen: NotificationSettings) -> zoneinfo.ZoneInfo:
    """The person's time zone when they gave one, else their default (their store's for store
    managers, else the portal's); asked once per settings object."""
    from apps.portal.preferences import default_time_zone, zone_or_portal

    if "_zone" not in chosen.__dict__:
        chosen.__dict__["_zone"] = zone_or_portal(chosen.time_zone or default_time_zone(chosen.user))
    zone: zoneinfo.ZoneInfo = chosen.__dict__["_zone"]
    return zone


def digest_due(chosen: NotificationSettings, *, now: datetime) -> bool:
    """Due once per local day, from `CT_DIGEST_TIME` in the person's time zone on."""
    local = now.astimezone(local_zone(chosen))
    return chosen.digest_sent_on != local.date() and local.time() >= conf.DIGEST_TIME


@dataclass
class DigestSection:
    title: str
    lines: list[str] = field(default_factory=list)
    total: int = 0


@dataclass
class Digest:
    day: Any
    zone: zoneinfo.ZoneInfo
    sections: list[DigestSection]

    @property
    def empty(self) -> bool:
        return not any(section.total for section in self.sections)


def _section(title: str, rows: QuerySet[Any], line: Any) -> DigestSection:
    total = rows.count()
    return DigestSection(title, [line(row) for row in rows[:conf.DIGEST_ITEMS]], total)


def digest_for(user: User, *, now: datetime, chosen: NotificationSettings | None = None) -> Digest:
    """The person's morning: the open approvals they decide, by deadline; what is overdue in their
    scope (approvals, incidents, exceptions); and what breached its deadline yesterday (local day)."""
    from apps.approvals.models import ApprovalRequest, ApprovalStatus
    from apps.incidents.models import OPEN_STATUSES, StoreIncident
    from apps.operations.models import ACTIVE_STATUSES, OpsException

    zone = local_zone(chosen or notification_settings_of(user))
    today = now.astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=1), time.min, tzinfo=zone)
    end = datetime.combine(today, time.min, tzinfo=zone)

    def when(moment: datetime, store_zone: str) -> str:
        """In the person's zone, with the store's clock beside it when it reads differently."""
        with timezone.override(zone):
            clock = store_clock_text(moment, store_zone)
            shown = dateformat.format(moment.astimezone(zone), "D j M H:i")
        return f"{shown} ({clock})" if clock else shown

    def line(what: str, store: Any, deadline: datetime) -> str:
        return _("%(what)s (%(store)s), deadline %(deadline)s") % {
            "what": what, "store": store.code, "deadline": when(deadline, store.timezone)}

    def approval(row: ApprovalRequest) -> str:
        return line(str(row), row.store, row.deadline)

    def incident(row: StoreIncident) -> str:
        return line(f"{row.reference} {row.title}", row.store, row.deadline)

    def exception(row: OpsException) -> str:
        what = _("%(kind)s: %(title)s") % {"kind": row.get_kind_display(), "title": row.title_text}
        return line(what, row.store, row.deadline) if row.deadline else what

    deciding = ApprovalRequest.objects.for_user(user, Action.DECIDE).filter(status=ApprovalStatus.OPEN) \
        .select_related("store").order_by("deadline", "pk")
    approvals = ApprovalRequest.objects.for_user(user).select_related("store").order_by("deadline", "pk")
    incidents = StoreIncident.objects.for_user(user).select_related("store").order_by("deadline", "pk")
    exceptions = OpsException.objects.for_user(user).select_related("store").order_by("deadline", "pk")
    late_approval = Q(decided_at__isnull=True) | Q(decided_at__gt=F("deadline"))
    late_incident = Q(closed_at__isnull=True) | Q(closed_at__gt=F("deadline"))
    late_exception = Q(resolved_at__isnull=True) | Q(resolved_at__gt=F("deadline"))
    sections = [
        _section(_("Open approvals for you, by deadline"), deciding, approval),
        _section(_("Overdue approvals"), approvals.filter(status=ApprovalStatus.OPEN, deadline__lt=now), approval),
        _section(_("Overdue incidents"), incidents.filter(status__in=OPEN_STATUSES, deadline__lt=now), incident),
        _section(_("Overdue exceptions"), exceptions.filter(status__in=ACTIVE_STATUSES, deadline__lt=now), exception),
        _section(_("Approvals breached yesterday"),
                 approvals.filter(late_approval, deadline__gte=start, deadline__lt=end), approval),
        _section(_("Incidents breached yesterday"),
                 incidents.filter(late_incident, deadline__gte=start, deadline__lt=end), incident),
        _section(_("Exceptions breached yesterday"),
                 exceptions.filter(late_exception, deadline__gte=start, deadline__lt=end), exception),
    ]
    return Digest(day=today, zone=zone, sections=sections)


def digest_links() -> dict[str, str]:
    return {"inbox": reverse("approvals:inbox"), "preferences": reverse("notifications:preferences")}
