from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    verbose_name = _("Outbound webhooks")

    def ready(self) -> None:
        from apps.webhooks import registry
        from controltower.registries import registry_install

        registry_install(registry)
