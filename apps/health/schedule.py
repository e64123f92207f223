"""Periodic tasks of workflow health (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.health import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "health-heartbeat": {"task": "health.heartbeat", "schedule": float(conf.HEARTBEAT_INTERVAL),
                         "options": {"expires": float(conf.HEARTBEAT_INTERVAL)}},
    "health-check": {"task": "health.check", "schedule": float(conf.CHECK_INTERVAL),
                     "options": {"expires": float(conf.CHECK_INTERVAL)}},
}
