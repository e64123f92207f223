"""Periodic tasks of the outbox (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "dispatch-writebacks": {"task": "writeback.dispatch", "schedule": 5.0},
}
