from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_role_groups(sender: AppConfig, **kwargs: Any) -> None:
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:  # migrate signals each app with models, in this order
        return
    from apps.organisation.services import role_groups_ensure

    role_groups_ensure()


class OrganisationConfig(AppConfig):
    name = "apps.organisation"
    verbose_name = _("Regions, stores and roles")

    def ready(self) -> None:
        # Permissions exist only after migrate has created them, app by app: the role groups are
        # brought up to date after the last app's (the groups take permissions of many apps).
        post_migrate.connect(_ensure_role_groups)
