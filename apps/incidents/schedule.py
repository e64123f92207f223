"""Periodic tasks of store incidents (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "escalate-overdue-incidents": {"task": "incidents.escalate", "schedule": 60.0},
}
