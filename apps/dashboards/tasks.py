"""Celery tasks of the dashboards: they call the services."""

from __future__ import annotations

from celery import shared_task

from apps.dashboards.rollups import rollups_refresh


@shared_task(name="dashboards.rollups_refresh", ignore_result=True)
def dashboard_rollups_refresh() -> None:
    rollups_refresh()
