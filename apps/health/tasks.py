"""Celery tasks of workflow health: thin wrappers around the services."""

from __future__ import annotations

import socket
from typing import Any

from celery import shared_task

from apps.health import services


@shared_task(name="health.heartbeat", ignore_result=True, bind=True)
def record_heartbeat(self: Any, queue: str = "") -> None:
    services.heartbeat_record(worker=self.request.hostname or socket.gethostname(), queue=queue)


@shared_task(name="health.check", ignore_result=True)
def check_health() -> None:
    services.health_check_all()
