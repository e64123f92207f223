from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "apps.approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        # Requests are built from the approval feeds' mirror, decisions applied by the outbox.
        from apps.approvals import registry
        from controltower.registries import registry_install

        registry_install(registry)
