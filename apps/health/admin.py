"""Health signals and their history, read-only for operations."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.health.models import HealthEvent, HealthSignal, WorkerHeartbeat
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope


class HealthReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_network_scope(request.user, Action.ADMINISTER) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_network_scope(request.user, Action.ADMINISTER) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HealthSignal)
class HealthSignalAdmin(HealthReadOnlyAdmin):
    list_display = ["key", "label", "category", "status", "observed_at", "changed_at", "retired_at"]
    list_filter = ["category", "status"]
    search_fields = ["key", "label"]


@admin.register(HealthEvent)
class HealthEventAdmin(HealthReadOnlyAdmin):
    list_display = ["at", "signal", "from_status", "to_status", "rule"]
    list_filter = ["to_status"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(HealthReadOnlyAdmin):
    list_display = ["worker", "beat_at", "pid"]
