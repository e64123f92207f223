from __future__ import annotations

from django.apps import AppConfig


class AdjustmentsConfig(AppConfig):
    name = "apps.adjustments"
    verbose_name = "Stock counts from the store floor"

    def ready(self) -> None:
        from apps.adjustments import registry
        from controltower.registries import registry_install

        registry_install(registry)
