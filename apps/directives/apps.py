from __future__ import annotations

from django.apps import AppConfig


class DirectivesConfig(AppConfig):
    name = "apps.directives"
    verbose_name = "Store directives"

    def ready(self) -> None:
        # The outbox executors and outcomes, and the projector of the directive-tasks feed.
        from apps.directives import registry
        from controltower.registries import registry_install

        registry_install(registry)
