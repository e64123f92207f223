"""API tokens in the Django admin: issued through the service (audited, secret shown once on the
response page and never stored), revoked with an action; the secret digest is never displayed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy, ngettext

from apps.api import conf
from apps.api.models import ApiToken, ServiceAccount, TokenAccess, TokenKind
from apps.api.services import token_issue, token_issue_check, token_revoke
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.portal.admin_actions import each_apply


def _administers(request: HttpRequest) -> bool:
    return has_network_scope(request.user, Action.ADMINISTER)


class ApiTokenAddForm(forms.ModelForm[ApiToken]):
    days = forms.IntegerField(min_value=1, initial=conf.TOKEN_DEFAULT_DAYS, help_text="Lifetime in days.")

    class Meta:
        model = ApiToken
        fields = ["name", "kind", "user", "access", "stores", "regions"]

    request: HttpRequest

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("days") and data["days"] > conf.TOKEN_MAX_DAYS:
            self.add_error("days", f"At most {conf.TOKEN_MAX_DAYS} days.")
        if data.get("user") is not None:
            try:
                token_issue_check(creator=self.request.user, user=data["user"],  # type: ignore[arg-type]
                                  kind=data.get("kind") or TokenKind.PERSONAL)
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from exc
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "kind", "token", "access", "expires_at", "last_used_at", "token_state"]
    list_filter = ["kind", "access"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["name", "kind", "user", "token", "access", "limited", "expires_at", "created_by",
                       "created_at", "last_used_at", "last_used_ip", "revoked_at", "revoked_by"]
    exclude = ["digest", "prefix"]
    actions = ["revoke"]

    @admin.display(description=gettext_lazy("token"))
    def token(self, obj: ApiToken) -> str:
        return obj.display

    @admin.display(description=gettext_lazy("state"))
    def token_state(self, obj: ApiToken) -> str:
        return {"revoked": gettext("revoked"), "expired": gettext("expired")}.get(obj.state, gettext("active"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _administers(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _administers(request) or super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row (and its audit trail) stays

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
            kwargs["fields"] = ["name", "kind", "user", "access", "days", "stores", "regions"]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # type: ignore[attr-defined]
        return form

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.exclude if obj is not None else ["digest", "prefix", "limited", "expires_at", "created_by",
                                                     "created_at", "last_used_at", "last_used_ip", "revoked_at",
                                                     "revoked_by"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        data = form.cleaned_data
        issued = token_issue(creator=request.user, user=data["user"], name=data["name"],  # type: ignore[arg-type]
                             kind=data["kind"], access=data.get("access") or TokenAccess.READ, days=data["days"],
                             stores=data["stores"], regions=data["regions"], request=request)
        obj.pk = issued.token.pk
        request._issued_token = issued  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service already set the limits."""

    def response_add(self, request: HttpRequest, obj: ApiToken, post_url_continue: Any = None) -> HttpResponse:
        issued = getattr(request, "_issued_token", None)
        response = render(request, "api/admin_token_issued.html",
                          {"issued": issued, "opts": self.model._meta, "title": gettext("Token created")})
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        each_apply(self, request, queryset,
                   lambda token: token_revoke(token=token, actor=request.user, request=request),  # type: ignore[arg-type]
                   refusals=(PermissionDenied,), done=lambda count: ngettext(
                       "%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count})


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin[ServiceAccount]):
    """Listed here; created on the API & webhooks page (which gives the user an unusable password)."""

    list_display = ["user", "description", "created_by", "created_at"]
    search_fields = ["user__username", "description"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _administers(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _administers(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
