from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self) -> None:
        from apps.webhooks import registry
        from controltower.registries import registry_install

        registry_install(registry)
