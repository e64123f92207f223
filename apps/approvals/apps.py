from __future__ import annotations

from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "apps.approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        # Requests are built from the approval feeds' mirror, decisions applied by the outbox.
        from apps.approvals import registry
        from controltower.registries import registry_install

        registry_install(registry)
