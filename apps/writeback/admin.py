from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.portal.admin_actions import each_apply
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_replay


@admin.register(WriteBack)
class WriteBackAdmin(admin.ModelAdmin[WriteBack]):
    list_display = ["created_at", "kind", "odoo_model", "odoo_id", "store", "status", "attempts", "last_error"]
    list_filter = ["status", "kind"]
    search_fields = ["idempotency_key", "odoo_id", "last_error"]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Replay the selected failed or dead write-backs")
    def replay(self, request: HttpRequest, queryset: QuerySet[WriteBack]) -> None:
        each_apply(self, request, queryset,
                   lambda row: writeback_replay(writeback=row, actor=request.user, request=request),  # type: ignore[arg-type]
                   refusals=(ValueError,), done="{count} write-back(s) queued again.")
