"""Celery tasks for incidents: they call the services."""

from __future__ import annotations

import logging

from celery import shared_task

from apps.incidents.services import adoption, followup, thread
from apps.odoo_gateway import OdooUnavailable, get_gateway

logger = logging.getLogger(__name__)


@shared_task(name="incidents.escalate", ignore_result=True)
def escalate_overdue_incidents() -> None:
    followup.incidents_escalate()


@shared_task(name="incidents.pull_threads", ignore_result=True)
def pull_incident_threads() -> None:
    """Odoo down: the next run reads from the same cursor, nothing is lost."""
    try:
        thread.threads_pull(get_gateway())
    except OdooUnavailable as exc:
        logger.info("Incident threads not pulled: Odoo unavailable (%s)", exc)


@shared_task(name="incidents.adopt", ignore_result=True)
def adopt_odoo_incidents(feed_id: int, odoo_ids: list[int]) -> None:
    adoption.incidents_adopt(feed_id=feed_id, odoo_ids=odoo_ids)


@shared_task(name="incidents.adopt_pending", ignore_result=True)
def adopt_pending_odoo_incidents() -> None:
    adoption.incidents_adopt_pending()
