from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_rules(sender: AppConfig, **kwargs: Any) -> None:
    from apps.operations.rules import rules_ensure

    rules_ensure()


class OperationsConfig(AppConfig):
    name = "apps.operations"
    verbose_name = _("Operational exceptions")

    def ready(self) -> None:
        from apps.operations import registry
        from controltower.registries import registry_install

        registry_install(registry)
        # Severity rules exist as soon as the tables do; operations tune them in the admin.
        post_migrate.connect(_ensure_rules, sender=self)
