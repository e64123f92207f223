from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_role_groups(sender: AppConfig, **kwargs: Any) -> None:
    from apps.organisation.services import role_groups_ensure

    role_groups_ensure()


class OrganisationConfig(AppConfig):
    name = "apps.organisation"
    verbose_name = "Regions, stores and roles"

    def ready(self) -> None:
        # Permissions exist only after migrate has run, so the role groups are made right after it.
        post_migrate.connect(_ensure_role_groups, sender=self)
