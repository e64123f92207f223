"""Celery queues (README "Worker queues"): write-backs never wait behind a long sync or a burst of webhook
deliveries. A worker started without -Q consumes all of them; production runs one worker per queue.
Every task is routed by name (tests/controltower/test_celery_queues.py)."""

from __future__ import annotations

from typing import Any

QUEUE_NAMES = ("decisions", "sync", "webhooks", "housekeeping")
DEFAULT_QUEUE = "housekeeping"
TASK_ROUTES: dict[str, dict[str, Any]] = {
    "writeback.*": {"queue": "decisions"},
    "sync.*": {"queue": "sync"},
    "incidents.pull_threads": {"queue": "sync"},  # reads Odoo's chatter: an Odoo read like a sync
    "incidents.adopt": {"queue": "sync"},  # the end of a sync page: incidents for what Odoo opened
    "incidents.adopt_pending": {"queue": "sync"},
    "webhooks.*": {"queue": "webhooks"},
    **{name: {"queue": "housekeeping"} for name in (
        "health.*", "approvals.*", "directives.*", "incidents.escalate", "integration.*", "notifications.*",
        "operations.*", "portal.*", "dashboards.*")},
}
