"""Periodic tasks of approvals (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.approvals import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "approvals-check-deadlines": {"task": "approvals.check_deadlines",
                                  "schedule": float(conf.DEADLINE_CHECK_SECONDS)},
}
