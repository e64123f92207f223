"""Telling people: an in-app notification per recipient, and an e-mail after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.live.broadcast import user_changed
from apps.notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.organisation.models import Store

logger = logging.getLogger(__name__)


def notify(*, recipients: Iterable[User], subject: str, body: str = "", link: str = "",
           store: Store | None = None) -> list[Notification]:
    """Notify each distinct active recipient once. E-mail is best effort and never blocks the caller's
    transaction; the in-app notification is the record."""
    people = {user.pk: user for user in recipients if user.is_active}
    notes = Notification.objects.bulk_create(
        Notification(user=user, subject=subject[:200], body=body, link=link, store=store) for user in people.values())
    addresses = [user.email for user in people.values() if user.email]

    def deliver() -> None:
        for user_id in people:
            user_changed(user_id=user_id, topics=["notifications"])
        if not addresses:
            return
        try:
            url = f"{settings.SITE_URL}{link}" if link else settings.SITE_URL
            send_mail(subject, f"{body}\n\n{url}", None, addresses, fail_silently=False)
        except Exception:
            logger.warning("Notification e-mail could not be sent", exc_info=True)

    transaction.on_commit(deliver)
    return notes


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
