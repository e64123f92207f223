from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.sync.feeds import DEFINITION_FIELDS
from apps.sync.models import Feed, MirrorRecord, PendingRefetch, SyncRun, WebhookRejection


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin[Feed]):
    list_display = ["slug", "name", "kind", "odoo_model", "odoo_series", "enabled", "last_success_at",
                    "cursor_write_date", "last_error"]
    list_filter = ["kind", "enabled", "odoo_series"]
    readonly_fields = ["cursor_write_date", "cursor_id", "running_since", "last_success_at", "last_error",
                       "builtin_version", "odoo_series", "tuned_fields"]

    def save_model(self, request: HttpRequest, obj: Feed, form: Any, change: bool) -> None:
        """A definition field changed here is operations' choice: a later built-in upgrade keeps it."""
        if change and obj.builtin_version:
            tuned = set(obj.tuned_fields) | (set(form.changed_data) & set(DEFINITION_FIELDS))
            obj.tuned_fields = sorted(tuned)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["feed", "kind", "status", "started_at", "finished_at", "fetched", "created", "updated",
                    "closed", "rpc_calls", "lag_seconds", "error"]
    list_filter = ["status", "kind", "feed"]


@admin.register(MirrorRecord)
class MirrorRecordAdmin(ReadOnlyAdmin):
    list_display = ["feed", "odoo_id", "store", "odoo_write_date", "closed_at", "close_reason"]
    list_filter = ["feed", "close_reason"]
    search_fields = ["odoo_id"]


@admin.register(PendingRefetch)
class PendingRefetchAdmin(ReadOnlyAdmin):
    list_display = ["odoo_model", "odoo_id", "hinted_at", "hints"]


@admin.register(WebhookRejection)
class WebhookRejectionAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "reason", "count", "last_at", "source_ip", "detail"]
    list_filter = ["reason"]
