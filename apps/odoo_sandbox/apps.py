from __future__ import annotations

from django.apps import AppConfig


class OdooSandboxConfig(AppConfig):
    """The fake Odoo 18/19 server shipped for demo mode and tests (`manage.py odoo_sandbox`)."""

    name = "apps.odoo_sandbox"
    label = "odoo_sandbox"
    verbose_name = "Odoo sandbox"
    default_auto_field = "django.db.models.BigAutoField"
