from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectivesConfig(AppConfig):
    name = "apps.directives"
    verbose_name = _("Store directives")

    def ready(self) -> None:
        # The outbox executors and outcomes, and the projector of the directive-tasks feed.
        from apps.directives import registry
        from controltower.registries import registry_install

        registry_install(registry)
