from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_builtin_feeds(sender: AppConfig, **kwargs: Any) -> None:
    from apps.sync.feeds import feeds_ensure

    feeds_ensure()


class SyncConfig(AppConfig):
    name = "apps.sync"
    verbose_name = "Odoo sync"

    def ready(self) -> None:
        # The built-in feeds exist as soon as the tables do; operations tune them afterwards.
        post_migrate.connect(_ensure_builtin_feeds, sender=self)
