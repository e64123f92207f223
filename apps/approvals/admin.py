"""Operations tune approval policies and Odoo user links here; requests and decisions are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest

from apps.approvals.models import ApprovalPolicy, ApprovalRequest, Decision, OdooUserLink
from apps.approvals.policy import policy_save


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(admin.ModelAdmin[ApprovalPolicy]):
    """Saving goes through `policy_save`: a new version and an audit entry with before and after."""

    list_display = ["name", "version", "active", "priority", "kind", "min_amount", "max_amount", "region",
                    "auto_approve_below", "tier1_role", "tier2_role", "dual_approval"]
    list_filter = ["active", "kind", "dual_approval"]
    filter_horizontal = ["stores"]
    readonly_fields = ["version", "updated_at"]

    def save_model(self, request: HttpRequest, obj: ApprovalPolicy, form: ModelForm[Any], change: bool) -> None:
        stores = [store.pk for store in form.cleaned_data.get("stores", [])]
        policy_save(policy=obj, actor=request.user, request=request, store_ids=stores)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: decisions name the rule they were taken under


@admin.register(OdooUserLink)
class OdooUserLinkAdmin(admin.ModelAdmin[OdooUserLink]):
    list_display = ["user", "odoo_user_id", "odoo_login", "odoo_lang"]
    search_fields = ["user__username", "odoo_login"]
    readonly_fields = ["odoo_lang"]

    def save_model(self, request: HttpRequest, obj: OdooUserLink, form: ModelForm[Any], change: bool) -> None:
        """A new or changed link reads the Odoo user's language (after commit, on the worker)."""
        super().save_model(request, obj, form, change)
        from apps.portal.tasks import refresh_odoo_languages

        user_id = obj.user_id
        transaction.on_commit(lambda: refresh_odoo_languages.delay([user_id]))


class DecisionInline(admin.TabularInline[Decision, ApprovalRequest]):
    model = Decision
    extra = 0
    can_delete = False
    fields = readonly_fields = ("outcome", "actor_label", "system_rule", "comment", "policy_label", "tier",
                                "final", "writeback", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin[ApprovalRequest]):
    list_display = ["reference", "kind", "store", "amount", "currency", "status", "tier", "deadline", "policy_label"]
    list_filter = ["status", "kind", "tier"]
    search_fields = ["reference", "requester_name", "partner"]
    inlines = [DecisionInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [field.name for field in ApprovalRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
