"""Celery tasks of the Odoo integration: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from apps.health.services import readiness_record
from apps.integration.selectors import readiness_check
from apps.odoo_gateway import get_gateway


@shared_task(name="integration.readiness", ignore_result=True)
def check_readiness() -> None:
    readiness_record(readiness_check(get_gateway()))
