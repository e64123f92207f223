from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "apps.incidents"
    verbose_name = _("Store incidents")

    def ready(self) -> None:
        # The outbox executors and outcomes, and the mirror projector for the incident feeds.
        from apps.incidents import registry
        from controltower.registries import registry_install

        registry_install(registry)
