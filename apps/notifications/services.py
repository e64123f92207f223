"""Telling people: one in-app notification per recipient who wants it in the portal, an e-mail after
commit to those who want it by e-mail, and each person's choices."""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.live.broadcast import user_changed
from apps.notifications.models import Channel, Notification, NotificationKind, NotificationSettings

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.organisation.models import Store

logger = logging.getLogger(__name__)
TOPIC = "notifications"


def settings_for(users: Iterable[User]) -> dict[int, NotificationSettings]:
    """Each person's settings (unsaved defaults for those who never chose), in one query."""
    ids = [user.pk for user in users]
    saved = NotificationSettings.objects.in_bulk(ids)
    return {pk: saved.get(pk) or NotificationSettings(user_id=pk) for pk in ids}


@dataclass(frozen=True)
class Notice:
    """One thing to tell some people (`notify_each` sends many at once, e.g. a sync batch)."""

    kind: str
    recipients: tuple[User, ...]
    subject: str
    body: str = ""
    link: str = ""
    store: Store | None = None


def notify(*, kind: str, recipients: Iterable[User], subject: str, body: str = "", link: str = "",
           store: Store | None = None) -> list[Notification]:
    """Notify each distinct active recipient once, on the channels they chose for `kind`."""
    return notify_each([Notice(kind, tuple(recipients), subject, body, link, store)])


def notify_each(notices: Iterable[Notice]) -> list[Notification]:
    """Record the in-portal notifications (one insert), then after commit ring the bells of the people
    concerned and send the e-mails. E-mail is best effort and never blocks the caller's transaction;
    the in-app notification is the record."""
    notices = list(notices)
    people = {user.pk: user for notice in notices for user in notice.recipients if user.is_active}
    choices = settings_for(people.values())
    rows: list[Notification] = []
    mails: list[tuple[str, str, list[str]]] = []
    for notice in notices:
        recipients = {user.pk: user for user in notice.recipients if user.is_active}
        addresses = []
        for pk, user in recipients.items():
            channel = choices[pk].channel(notice.kind)
            if channel in (Channel.PORTAL, Channel.BOTH):
                rows.append(Notification(user=user, kind=notice.kind, subject=notice.subject[:200], body=notice.body,
                                         link=notice.link, store=notice.store))
            if channel in (Channel.EMAIL, Channel.BOTH) and user.email:
                addresses.append(user.email)
        if addresses:
            url = f"{settings.SITE_URL}{notice.link}" if notice.link else settings.SITE_URL
            mails.append((notice.subject, f"{notice.body}\n\n{url}".lstrip(), addresses))
    created = Notification.objects.bulk_create(rows)
    rung = sorted({row.user_id for row in rows})

    def deliver() -> None:
        for user_id in rung:
            user_changed(user_id=user_id, topics=[TOPIC])
        for subject, text, addresses in mails:
            try:
                send_mail(subject, text, None, addresses, fail_silently=False)
            except Exception:
                logger.warning("Notification e-mail could not be sent", exc_info=True)

    transaction.on_commit(deliver)
    return created


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all unread ones without `ids`); the bells of their
    other tabs follow."""
    unread = Notification.objects.for_user(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    count = unread.update(read_at=timezone.now())
    if count:
        transaction.on_commit(lambda: user_changed(user_id=user.pk, topics=[TOPIC]))
    return count


def time_zone_check(name: str) -> str:
    name = name.strip()
    if name and name not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": f"{name[:64]!r} is not a time zone name (e.g. Europe/Paris)."})
    return name


@transaction.atomic
def notification_settings_save(*, user: User, channels: dict[str, str], digest: bool,
                               time_zone: str) -> NotificationSettings:
    """Save a person's choices; an unknown kind, channel or time zone is refused and nothing changes."""
    unknown = sorted(set(channels) - set(NotificationKind.values))
    if unknown:
        raise ValidationError(f"Unknown notification kind: {', '.join(unknown)[:100]}.")
    for kind, channel in channels.items():
        if channel not in Channel.values:
            raise ValidationError({kind: "Choose in the portal, by e-mail or both."})
    chosen, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    chosen.channels = {**chosen.channels, **channels}
    chosen.digest = digest
    chosen.time_zone = time_zone_check(time_zone)
    chosen.save(update_fields=["channels", "digest", "time_zone"])
    return chosen


@transaction.atomic
def email_unsubscribe(*, user: User, kind: str) -> bool:
    """Stop one kind of e-mail for one person (from a signed link, so nothing else of theirs changes):
    the digest goes off; a notification kind sent by e-mail stays in the portal only. False when it
    was already off."""
    chosen, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    if kind == "digest":
        if not chosen.digest:
            return False
        chosen.digest = False
        chosen.save(update_fields=["digest"])
        return True
    if kind not in NotificationKind.values:
        raise ValidationError(f"Unknown notification kind: {kind[:40]}.")
    if chosen.channel(kind) == Channel.PORTAL:
        return False
    chosen.channels = {**chosen.channels, kind: Channel.PORTAL}
    chosen.save(update_fields=["channels"])
    return True
