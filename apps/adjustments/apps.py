from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdjustmentsConfig(AppConfig):
    name = "apps.adjustments"
    verbose_name = _("Stock counts from the store floor")

    def ready(self) -> None:
        from apps.adjustments import registry
        from controltower.registries import registry_install

        registry_install(registry)
