"""Periodic tasks of notifications (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from apps.notifications import conf

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "notifications-send-digests": {"task": "notifications.send_digests", "schedule": float(conf.DIGEST_CHECK_SECONDS)},
}
