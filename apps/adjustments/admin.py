"""Operations keep the list of reasons; reports change only through the store app (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.adjustments.models import AdjustmentReason, StockCountReport


@admin.register(AdjustmentReason)
class AdjustmentReasonAdmin(admin.ModelAdmin[AdjustmentReason]):
    list_display = ["label", "code", "active", "position"]
    list_editable = ["active", "position"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports keep their reason: switch it off instead


@admin.register(StockCountReport)
class StockCountReportAdmin(admin.ModelAdmin[StockCountReport]):
    list_display = ["created_at", "store", "product_name", "on_hand", "counted", "value", "reason", "status",
                    "reported_by"]
    list_filter = ["status", "reason"]
    search_fields = ["product_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
