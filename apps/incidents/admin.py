from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.incidents.models import StoreIncident, TriageSuggestion


@admin.register(StoreIncident)
class StoreIncidentAdmin(admin.ModelAdmin[StoreIncident]):
    """Read-only: incidents change through the portal's services (audited) and through Odoo."""

    list_display = ["reference", "store", "category", "urgency", "status", "deadline", "escalation_tier",
                    "needs_manual_triage", "odoo_model", "odoo_id"]
    list_filter = ["status", "category", "urgency", "needs_manual_triage", "source"]
    search_fields = ["reference", "title", "odoo_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TriageSuggestion)
class TriageSuggestionAdmin(admin.ModelAdmin[TriageSuggestion]):
    """The suggestion log: what the model said, how sure it was, and what people finally chose."""

    list_display = ["created_at", "model_version", "category", "category_confidence", "urgency",
                    "urgency_confidence", "manual", "final_category", "final_urgency", "incident"]
    list_filter = ["provider", "model_version", "manual"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
