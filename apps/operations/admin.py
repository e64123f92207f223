"""Operations tune the exception rules here; exceptions and their history are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.operations.models import ExceptionEvent, ExceptionRule, OpsException, PatternCheck
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope


def _administers(request: HttpRequest) -> bool:
    return has_network_scope(request.user, Action.ADMINISTER)


@admin.register(ExceptionRule)
class ExceptionRuleAdmin(admin.ModelAdmin[ExceptionRule]):
    """Severity and detection rules: the operations admin's to tune (no add or delete: one per kind)."""

    list_display = ["kind", "enabled", "base_severity", "escalate_every_hours", "value_high", "value_critical",
                    "min_quantity", "min_value", "grace_hours", "deadline_hours", "updated_at"]
    list_editable = ["enabled"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _administers(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request) or super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline[ExceptionEvent, OpsException]):
    model = ExceptionEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "actor", "from_status", "to_status", "severity", "note")
    readonly_fields = fields


@admin.register(OpsException)
class OpsExceptionAdmin(admin.ModelAdmin[OpsException]):
    list_display = ["opened_at", "store", "kind", "title", "severity", "status", "owner", "deadline"]
    list_filter = ["kind", "status", "severity"]
    search_fields = ["title", "odoo_id"]
    inlines = [EventInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _administers(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PatternCheck)
class PatternCheckAdmin(admin.ModelAdmin[PatternCheck]):
    """The unusual-pattern log: what the detector looked at, its numbers, and what it opened."""

    list_display = ["created_at", "store", "metric", "week_start", "model_version", "score", "ratio", "unusual",
                    "exception"]
    list_filter = ["family", "metric", "unusual", "model_version"]
    readonly_fields = ["explanation", "inputs"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
