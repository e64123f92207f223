"""Health signals and their history, read-only for operations."""

from __future__ import annotations

from django.contrib import admin

from apps.health.models import HealthEvent, HealthSignal, WorkerHeartbeat
from apps.organisation.admin_access import OperationsReadOnlyAdmin


@admin.register(HealthSignal)
class HealthSignalAdmin(OperationsReadOnlyAdmin):
    list_display = ["key", "label", "category", "status", "observed_at", "changed_at", "retired_at"]
    list_filter = ["category", "status"]
    search_fields = ["key", "label"]


@admin.register(HealthEvent)
class HealthEventAdmin(OperationsReadOnlyAdmin):
    list_display = ["at", "signal", "from_status", "to_status", "rule"]
    list_filter = ["to_status"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(OperationsReadOnlyAdmin):
    list_display = ["worker", "beat_at", "pid"]
