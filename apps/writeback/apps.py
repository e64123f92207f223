from __future__ import annotations

from django.apps import AppConfig


class WriteBackConfig(AppConfig):
    name = "apps.writeback"
    verbose_name = "Write-backs to Odoo"
