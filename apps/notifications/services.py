"""Telling people: one in-app notification per recipient who wants it in the portal, an e-mail after
commit to those who want it by e-mail, and each person's choices."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django_stubs_ext import StrOrPromise

from apps.live.broadcast import user_changed
from apps.notifications.models import Channel, Notification, NotificationKind, NotificationSettings
from apps.portal.preferences import PersonLocale, language_check, people_locales, time_zone_check

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
    """One thing to tell some people (`notify_each` sends many at once, e.g. a sync batch). A lazy
    subject or body (`gettext_lazy`, `format_lazy`, `apps.notifications.announcements.later`) is
    written for each recipient in their own language and time zone."""

    kind: str
    recipients: tuple[User, ...]
    subject: StrOrPromise
    body: StrOrPromise = ""
    link: str = ""
    store: Store | None = None


def notify(*, kind: str, recipients: Iterable[User], subject: StrOrPromise, body: StrOrPromise = "", link: str = "",
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
    translated = any(isinstance(text, Promise) for notice in notices for text in (notice.subject, notice.body))
    locales = people_locales(people) if translated else {}
    rows: list[Notification] = []
    mails: list[tuple[str, str, list[str]]] = []
    for notice in notices:
        recipients = {user.pk: user for user in notice.recipients if user.is_active}
        letters: dict[tuple[str, str], list[str]] = {}  # one e-mail per wording, to everyone reading it
        for pk, user in recipients.items():
            subject, body = _written_for(notice, locales.get(pk))
            channel = choices[pk].channel(notice.kind)
            if channel in (Channel.PORTAL, Channel.BOTH):
                rows.append(Notification(user=user, kind=notice.kind, subject=subject[:200], body=body,
                                         link=notice.link, store=notice.store))
            if channel in (Channel.EMAIL, Channel.BOTH) and user.email:
                letters.setdefault((subject, body), []).append(user.email)
        url = f"{settings.SITE_URL}{notice.link}" if notice.link else settings.SITE_URL
        for (subject, body), addresses in letters.items():
            mails.append((subject, f"{body}\n\n{url}".lstrip(), addresses))
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


def _written_for(notice: Notice, locale: PersonLocale | None) -> tuple[str, str]:
    if locale is None:
        return str(notice.subject), str(notice.body)
    with translation.override(locale.language), timezone.override(locale.zone()):
        return str(notice.subject), str(notice.body)


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


@transaction.atomic
def notification_settings_save(*, user: User, channels: dict[str, str], digest: bool,
                               time_zone: str, language: str | None = None) -> NotificationSettings:
    """Save a person's choices; an unknown kind, channel, time zone or language is refused and nothing
    changes. `language` None leaves the person's language as it is."""
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
    fields = ["channels", "digest", "time_zone"]
    if language is not None:
        chosen.language = language_check(language)
        fields.append("language")
    chosen.save(update_fields=fields)
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
