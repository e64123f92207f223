"""People in the Django admin. Operations admins add people, reset passwords, deactivate leavers and
correct names and e-mail addresses; what a person may do comes only from role grants (audited), so the
fields that would grant rights around them (superuser, staff, groups, permissions) are for superusers
only, and a superuser's account is changed by superusers only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

User = get_user_model()

PERSON_FIELDSETS = (
    (None, {"fields": ("username", "password")}),
    ("Person", {"fields": ("first_name", "last_name", "email", "is_active")}),
    ("Dates", {"fields": ("last_login", "date_joined")}),
)


class PersonAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "is_active", "is_staff")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return PERSON_FIELDSETS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("last_login", "date_joined") if obj is not None and not request.user.is_superuser else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


admin.site.unregister(User)
admin.site.register(User, PersonAdmin)
