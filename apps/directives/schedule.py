"""Periodic tasks of store directives (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.directives import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "directive-followup": {"task": "directives.followup", "schedule": conf.CHECK_INTERVAL},
    "directive-templates": {"task": "directives.templates", "schedule": 300.0},
}
