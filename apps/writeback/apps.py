from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WriteBackConfig(AppConfig):
    name = "apps.writeback"
    verbose_name = _("Write-backs to Odoo")
