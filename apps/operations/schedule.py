"""Periodic tasks of operational exceptions (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.operations import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "refresh-exceptions": {"task": "operations.refresh_exceptions", "schedule": float(conf.REFRESH_INTERVAL)},
    "detect-unusual-patterns": {"task": "operations.detect_unusual_patterns",
                                "schedule": float(conf.PATTERNS_INTERVAL)},
}
