from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _ensure_builtin_feeds(sender: AppConfig, **kwargs: Any) -> None:
    from apps.sync.feeds import feeds_ensure

    for line in feeds_ensure():
        logger.info("%s", line)
        if kwargs.get("verbosity", 1) >= 1:
            print(f"  {line}")  # migrate's own output: what an upgrade changed and kept


class SyncConfig(AppConfig):
    name = "apps.sync"
    verbose_name = _("Odoo sync")

    def ready(self) -> None:
        # The built-in feeds exist as soon as the tables do; operations tune them afterwards.
        post_migrate.connect(_ensure_builtin_feeds, sender=self)
