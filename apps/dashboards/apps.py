from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from apps.dashboards import registry
        from apps.dashboards.aggregates import sqlite_functions_register
        from controltower.registries import registry_install

        connection_created.connect(sqlite_functions_register, dispatch_uid="dashboards.sqlite_percentile")
        registry_install(registry)
        for connection in connections.all(initialized_only=True):  # opened before ready() ran
            if connection.connection is not None:
                sqlite_functions_register(None, connection)
