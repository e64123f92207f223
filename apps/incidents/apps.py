from __future__ import annotations

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "apps.incidents"
    verbose_name = "Store incidents"

    def ready(self) -> None:
        # The outbox executors and outcomes, and the mirror projector for the incident feeds.
        from apps.incidents import registry
        from controltower.registries import registry_install

        registry_install(registry)
