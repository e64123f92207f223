"""Control Tower: the HQ operations portal for multi-store retailers running Odoo."""

from __future__ import annotations

from controltower.celery import app as celery_app

__all__ = ["celery_app"]
