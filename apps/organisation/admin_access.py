"""Admin access shared by the apps: records operations admins read but never edit in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope


class OperationsReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Visible to operations admins (the network ADMINISTER scope) and to staff with the model's view
    permission; nobody adds or edits through the admin (deleting stays with the model's permission)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_network_scope(request.user, Action.ADMINISTER) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_network_scope(request.user, Action.ADMINISTER) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
