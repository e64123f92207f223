from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.writeback.models import WriteBack
from apps.writeback.selectors import replay_outcome, writebacks_settled
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

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return has_network_scope(request.user, Action.ADMINISTER)

    @admin.action(description=_("Replay the selected failed or dead write-backs"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[WriteBack]) -> None:
        """Send each row again, then say where each one ended up: applied, refused again (with Odoo's
        reason), waiting for Odoo, or still queued when the worker takes longer than the wait."""
        replayed: list[int] = []
        for row in queryset:
            try:
                writeback_replay(writeback=row, actor=request.user, request=request)  # type: ignore[arg-type]
            except ValueError as exc:
                self.message_user(request, gettext("Write-back %(id)s (%(status)s): %(reason)s") % {
                    "id": row.pk, "status": row.get_status_display(), "reason": exc}, messages.WARNING)
            else:
                replayed.append(row.pk)
        levels = {"applied": messages.SUCCESS, "refused": messages.ERROR, "waiting": messages.WARNING,
                  "queued": messages.INFO}
        for row in writebacks_settled(replayed):
            outcome, text = replay_outcome(row)
            self.message_user(request, text, levels[outcome])
