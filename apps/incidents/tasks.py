"""Celery tasks for incidents: they call the services."""

from __future__ import annotations

from celery import shared_task

from apps.incidents.services import followup


@shared_task(name="incidents.escalate", ignore_result=True)
def escalate_overdue_incidents() -> None:
    followup.incidents_escalate()
