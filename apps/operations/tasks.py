"""Celery tasks of operational exceptions: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from apps.operations import services


@shared_task(name="operations.refresh_exceptions", ignore_result=True)
def refresh_exceptions() -> None:
    services.exceptions_refresh()


@shared_task(name="operations.detect_unusual_patterns", ignore_result=True)
def detect_unusual_patterns() -> None:
    from apps.operations.patterns.services import unusual_patterns_detect

    unusual_patterns_detect()
