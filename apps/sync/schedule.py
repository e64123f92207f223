"""Periodic tasks of the sync engine (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "sync-feeds": {"task": "sync.sync_all_feeds", "schedule": float(settings.CT_SYNC_INTERVAL)},
    "reconcile-feeds": {"task": "sync.reconcile_all_feeds", "schedule": float(settings.CT_RECONCILE_INTERVAL)},
    "prune-sync-runs": {"task": "sync.prune_runs", "schedule": 3600.0},
}
