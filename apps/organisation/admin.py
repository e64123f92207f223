"""Admin for regions, stores and role grants. Grants go through the services so they are audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.organisation import admin_users  # noqa: F401  (people: registered there)
from apps.organisation.models import Region, RoleGrant, Store, StoreGroup
from apps.organisation.roles import Role
from apps.organisation.services import role_grant, role_revoke


class StoreInline(admin.TabularInline[Store, Region]):
    model = Store
    extra = 0
    fields = ["code", "name", "timezone", "odoo_warehouse_id", "active"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]
    inlines = [StoreInline]


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin[Store]):
    list_display = ["code", "name", "region", "timezone", "odoo_warehouse_id", "active"]
    list_filter = ["region", "active"]
    search_fields = ["code", "name"]


@admin.register(StoreGroup)
class StoreGroupAdmin(admin.ModelAdmin[StoreGroup]):
    list_display = ["name", "store_count"]
    search_fields = ["name", "stores__code"]
    filter_horizontal = ["stores"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StoreGroup]:
        return super().get_queryset(request).annotate(store_count=Count("stores"))

    @admin.display(description=_("stores"), ordering="store_count")
    def store_count(self, obj: StoreGroup) -> int:
        return obj.store_count  # type: ignore[attr-defined]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    list_display = ["user", "role", "store", "region", "granted_by", "granted_at"]
    list_filter = ["role", "region"]
    search_fields = ["user__username", "store__code", "region__code"]
    autocomplete_fields = ["user", "store", "region"]
    fields = ["user", "role", "store", "region"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A grant is added or revoked, never edited: an edit would hide what was held before.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: ModelForm[RoleGrant], change: bool) -> None:
        saved = role_grant(user=obj.user, role=Role(obj.role), store=obj.store, region=obj.region,
                           granted_by=request.user, request=request)  # type: ignore[arg-type]
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: RoleGrant) -> None:
        role_revoke(grant=obj, revoked_by=request.user, request=request)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        for grant in queryset:
            role_revoke(grant=grant, revoked_by=request.user, request=request)  # type: ignore[arg-type]
