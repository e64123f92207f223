from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.selectors import writebacks_settled
from apps.writeback.services import writeback_replay


def replay_outcome(row: WriteBack) -> tuple[int, str]:
    """The admin message for one replayed row: its level and words."""
    name = f"Write-back {row.pk} ({row.odoo_model}{f' {row.odoo_id}' if row.odoo_id else ''})"
    if row.status == WriteBackStatus.APPLIED:
        return messages.SUCCESS, f"{name}: applied in Odoo."
    if row.status in (WriteBackStatus.FAILED, WriteBackStatus.CONFLICT, WriteBackStatus.DEAD):
        reason = row.last_error or "no reason given"
        return messages.ERROR, f"{name}: {row.get_status_display().lower()} again: {reason}"
    if row.is_waiting_for_odoo:
        return messages.WARNING, f"{name}: waiting for Odoo, which is not answering; it is applied when Odoo is back."
    return messages.INFO, f"{name}: queued; the worker has not sent it yet (its status here changes when it has)."


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

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return has_network_scope(request.user, Action.ADMINISTER)

    @admin.action(description="Replay the selected failed or dead write-backs", permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WriteBack]) -> None:
        """Send each row again, then say where each one ended up: applied, refused again (with Odoo's
        reason), waiting for Odoo, or still queued when the worker takes longer than the wait."""
        replayed: list[int] = []
        for row in queryset:
            try:
                writeback_replay(writeback=row, actor=request.user, request=request)  # type: ignore[arg-type]
            except ValueError as exc:
                self.message_user(request, f"Write-back {row.pk} ({row.get_status_display()}): {exc}",
                                  messages.WARNING)
            else:
                replayed.append(row.pk)
        for row in writebacks_settled(replayed):
            level, text = replay_outcome(row)
            self.message_user(request, text, level)
