"""Periodic tasks of workflow health (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from apps.health import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # One heartbeat per queue, so a worker dedicated to one queue (decisions) reports too.
    **{f"health-heartbeat-{queue}": {"task": "health.heartbeat", "schedule": float(conf.HEARTBEAT_INTERVAL),
                                     "kwargs": {"queue": queue},
                                     "options": {"expires": float(conf.HEARTBEAT_INTERVAL), "queue": queue}}
       for queue in settings.CELERY_QUEUE_NAMES},
    "health-check": {"task": "health.check", "schedule": float(conf.CHECK_INTERVAL),
                     "options": {"expires": float(conf.CHECK_INTERVAL)}},
}
