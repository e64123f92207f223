from __future__ import annotations

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "apps.dashboards"
    verbose_name = "Dashboards"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from apps.dashboards.aggregates import sqlite_functions_register
        from apps.dashboards.cache import stores_changed
        from apps.live.broadcast import change_listener_register

        connection_created.connect(sqlite_functions_register, dispatch_uid="dashboards.sqlite_percentile")
        change_listener_register(stores_changed)
        for connection in connections.all(initialized_only=True):  # opened before ready() ran
            if connection.connection is not None:
                sqlite_functions_register(None, connection)
