from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    """Making a stock Odoo ready for the portal (`odoo_setup`), and the records no store claimed."""

    name = "apps.integration"
    verbose_name = _("Odoo integration")

    def ready(self) -> None:
        from apps.integration import registry
        from controltower.registries import registry_install

        registry_install(registry)
