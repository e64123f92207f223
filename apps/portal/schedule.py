"""Periodic tasks of the portal shell (collected by controltower/celery.py)."""

from __future__ import annotations

from typing import Any

ODOO_LANGUAGES_INTERVAL = 6 * 3600.0  # people rarely change their Odoo language; a sign-in picks it up
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "portal-odoo-languages": {"task": "portal.refresh_odoo_languages", "schedule": ODOO_LANGUAGES_INTERVAL,
                              "options": {"expires": ODOO_LANGUAGES_INTERVAL}},
}
