"""Periodic tasks of the Odoo integration (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.integration import conf

INTERVAL = float(conf.READINESS_INTERVAL_MINUTES * 60)
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "integration-readiness": {"task": "integration.readiness", "schedule": INTERVAL, "options": {"expires": INTERVAL}},
}
