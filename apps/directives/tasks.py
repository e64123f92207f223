"""Celery tasks for directives: they call the services."""

from __future__ import annotations

from celery import shared_task

from apps.directives import services
from apps.directives.services import followup


@shared_task(name="directives.followup", ignore_result=True)
def directives_followup() -> None:
    followup.directives_followup()


@shared_task(name="directives.templates", ignore_result=True)
def directive_templates_run() -> None:
    services.templates_run()
