"""Periodic tasks of the dashboards (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.dashboards import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {}
if conf.ROLLUP_INTERVAL:
    BEAT_SCHEDULE["dashboard-rollups"] = {"task": "dashboards.rollups_refresh",
                                          "schedule": float(conf.ROLLUP_INTERVAL)}
