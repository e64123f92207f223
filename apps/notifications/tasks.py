"""Celery tasks of notifications: they call the services."""

from __future__ import annotations

from celery import shared_task

from apps.notifications.digest import digests_send


@shared_task(name="notifications.send_digests", ignore_result=True)
def send_digests() -> None:
    digests_send()
