from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    verbose_name = "Outbound webhooks"

    def ready(self) -> None:
        from apps.webhooks.taps import taps_connect

        taps_connect()
