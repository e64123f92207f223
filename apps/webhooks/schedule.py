"""Periodic tasks of outbound webhooks (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "dispatch-webhooks": {"task": "webhooks.dispatch", "schedule": 10.0},
    "prune-webhooks": {"task": "webhooks.prune", "schedule": 3600.0},
}
