"""The token page: personal tokens for everyone with a role; service accounts and their tokens for
operations admins. A new token's secret is rendered once in the response to the POST that made it
(never stored, never put in a URL or the session) and the page is marked `no-store`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.api import selectors
from apps.api.forms import ServiceAccountForm, TokenForm
from apps.api.models import ServiceAccount, TokenKind
from apps.api.services import IssuedToken, is_service_account, service_account_create, token_issue, token_revoke
from apps.organisation.models import Region, Store
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, stores_for

NO_ROLE = "API tokens need a store, region or network role."


def _require_role(request: HttpRequest) -> None:
    if is_service_account(request.user):
        raise PermissionDenied(gettext("Service accounts do not use the portal."))
    if not stores_for(request.user, Action.VIEW).exists():
        raise PermissionDenied(NO_ROLE)


def _forms(request: HttpRequest, data: Any = None, kind: str = "") -> dict[str, Any]:
    stores, regions = selectors.limit_choices(request.user)
    administers = has_network_scope(request.user, Action.ADMINISTER)
    personal = TokenForm(data if kind == TokenKind.PERSONAL else None, stores=stores, regions=regions,
                         prefix="personal")
    service = None
    if administers:
        service = TokenForm(data if kind == TokenKind.SERVICE else None, prefix="service",
                            stores=Store.objects.filter(active=True).order_by("code"),
                            regions=Region.objects.filter(active=True).order_by("code"),
                            accounts=ServiceAccount.objects.select_related("user").order_by("user__username"))
    return {"personal_form": personal, "service_form": service, "account_form": ServiceAccountForm(),
            "administers": administers}


def _page(request: HttpRequest, *, issued: IssuedToken | None = None, status: int = 200,
          bound: dict[str, Any] | None = None) -> HttpResponse:
    """The page; `bound` replaces a blank form with the submitted one (to show its errors)."""
    example = None
    if issued is not None:  # a command to paste into a shell: code, not words to translate
        example = f'curl -H "Authorization: Bearer {issued.plaintext}" \\\n' \
                  f'     "{settings.SITE_URL}{reverse("api:approval-list")}?status=open"'
    base = {"own_tokens": selectors.own_tokens(request.user), "service_tokens": selectors.service_tokens(request.user),
            "accounts": selectors.service_accounts(request.user), "issued": issued, "site_url": settings.SITE_URL,
            "curl_example": example}
    response = render(request, "api/tokens.html", {**_forms(request), **base, **(bound or {})}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
@never_cache
def tokens_page(request: HttpRequest) -> HttpResponse:
    _require_role(request)
    return _page(request)


@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    _require_role(request)
    kind = TokenKind.SERVICE if request.POST.get("kind") == TokenKind.SERVICE else TokenKind.PERSONAL
    forms = _forms(request, request.POST, kind)
    form: TokenForm | None = forms["service_form" if kind == TokenKind.SERVICE else "personal_form"]
    if form is None:
        raise PermissionDenied(gettext("Service tokens are created by operations admins."))
    if form.is_valid():
        data = form.cleaned_data
        owner = data["account"].user if kind == TokenKind.SERVICE else request.user
        try:
            issued = token_issue(creator=request.user, user=owner, name=data["name"], kind=kind,  # type: ignore[arg-type]
                                 access=data["access"], days=data["days"], stores=data["stores"],
                                 regions=data["regions"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _page(request, issued=issued, status=201)
    return _page(request, status=400, bound={k: v for k, v in forms.items() if k.endswith("_form") and v is form})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role(request)
    token = selectors.token_for_manage(request.user, pk)
    token_revoke(token=token, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, gettext("Token %(token)s (%(name)s) is revoked.")
        % {"token": token.display, "name": token.name})
    return redirect("api:tokens")


@login_required
@require_POST
def service_account_new(request: HttpRequest) -> HttpResponse:
    _require_role(request)
    if not has_network_scope(request.user, Action.ADMINISTER):
        raise PermissionDenied(gettext("Service accounts are created by operations admins."))
    form = ServiceAccountForm(request.POST)
    if form.is_valid():
        try:
            account = service_account_create(creator=request.user, username=form.cleaned_data["username"],  # type: ignore[arg-type]
                                             description=form.cleaned_data["description"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Service account %(account)s created. Give it a role in the admin "
                                              "(Role grants), then create its token below.") % {"account": account})
            return redirect("api:tokens")
    return _page(request, status=400, bound={"account_form": form})
