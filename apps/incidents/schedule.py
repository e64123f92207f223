"""Periodic tasks of store incidents (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.incidents import conf
from apps.incidents.services.adoption import SWEEP_SECONDS

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "escalate-overdue-incidents": {"task": "incidents.escalate", "schedule": 60.0},
    "pull-incident-threads": {"task": "incidents.pull_threads", "schedule": conf.THREAD_INTERVAL},
    "adopt-odoo-incidents": {"task": "incidents.adopt_pending", "schedule": SWEEP_SECONDS},
}
