from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def notifications_for(user: User, *, limit: int = 20) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("store")[:limit]


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
