"""The morning e-mail digest: once per person per local day, from `CT_DIGEST_TIME` in their time zone.

Beat asks every `CT_DIGEST_CHECK_SECONDS`; a person's digest is claimed with a conditional UPDATE of
their last digest day before it is sent, so two schedulers (or a retried task) never send it twice."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from apps.notifications.models import NotificationSettings
from apps.notifications.selectors import digest_due, digest_for, digest_links
from apps.notifications.unsubscribe import DIGEST, unsubscribe_headers, unsubscribe_url

logger = logging.getLogger(__name__)


def digest_recipients() -> list[tuple[Any, NotificationSettings]]:
    """Active people with a role and an e-mail address who did not turn the digest off."""
    people = list(get_user_model().objects.filter(is_active=True, role_grants__isnull=False).exclude(email="")
                  .distinct().order_by("pk"))
    saved = NotificationSettings.objects.in_bulk([person.pk for person in people])
    pairs = [(person, saved.get(person.pk) or NotificationSettings(user=person)) for person in people]
    return [(person, chosen) for person, chosen in pairs if chosen.digest]


def digest_claim(chosen: NotificationSettings, *, now: datetime) -> bool:
    """Take today's digest for the person (their local day); False when someone already did."""
    from apps.notifications.selectors import local_zone

    day = now.astimezone(local_zone(chosen)).date()
    if chosen._state.adding:
        NotificationSettings.objects.get_or_create(user_id=chosen.user_id)
    return bool(NotificationSettings.objects.filter(pk=chosen.user_id).exclude(digest_sent_on=day)
                .update(digest_sent_on=day))


def digests_send(*, now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many were sent (an empty morning sends nothing)."""
    now = now or timezone.now()
    sent = 0
    for person, chosen in digest_recipients():
        if not digest_due(chosen, now=now) or not digest_claim(chosen, now=now):
            continue
        digest = digest_for(person, now=now, chosen=chosen)
        if digest.empty:
            continue
        text = render_to_string("notifications/digest.txt", {
            "person": person, "digest": digest, "site": settings.SITE_URL, "links": digest_links(),
            "unsubscribe": unsubscribe_url(person, DIGEST)})
        message = EmailMessage(f"Your morning at Control Tower, {digest.day:%A %d %B}", text, None, [person.email],
                               headers=unsubscribe_headers(person, DIGEST))
        try:
            message.send(fail_silently=False)
            sent += 1
        except Exception:  # the next person's digest still goes; this one is not retried today
            logger.warning("The digest of user %s could not be sent", person.pk, exc_info=True)
    return sent
