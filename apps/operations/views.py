"""Exception pages: the list and one exception, each a fragment that also serves htmx swaps and live
refreshes, and the four actions. Views parse input, call one service or selector, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from apps.operations.forms import AssignForm, ResolveForm, SnoozeForm, first_error
from apps.operations.models import ExceptionKind, OpsException, Severity
from apps.operations.rules import timezone_of
from apps.operations.selectors import (
    ExceptionFilters,
    FilterError,
    assignees_for,
    exception_events,
    exception_kpis,
    exception_page,
    exception_summary,
    exceptions_for,
    status_filter_choices,
    stores_visible,
)
from apps.operations.services import (
    ExceptionActionRefused,
    exception_acknowledge,
    exception_assign,
    exception_resolve,
    exception_snooze,
)
from apps.organisation.roles import Action
from apps.organisation.scope import can
from apps.writeback.models import WriteBack


class HtmxRequest(HttpRequest):
    """A request seen through django-htmx's middleware."""

    htmx: HtmxDetails


NO_ROLE = "Exceptions are shown to people with a store, region or network role; you hold none."


@login_required
@require_GET
def exception_list(request: HtmxRequest) -> HttpResponse:
    stores = list(stores_visible(request.user))
    if not stores:
        raise PermissionDenied(NO_ROLE)
    try:
        filters = ExceptionFilters.from_query(request.GET)
    except FilterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    listing = exception_page(request.user, filters, request.GET)
    context = {
        "listing": listing, "filters": filters, "stores": stores, "now": timezone.now(),
        "summary": exception_summary(exceptions_for(request.user)), "kpis": exception_kpis(request.user),
        "kinds": ExceptionKind.choices, "severities": Severity.choices, "statuses": status_filter_choices(),
    }
    template = "operations/list.html#exception-panel" if request.htmx else "operations/list.html"
    return render(request, template, context)


def _visible(request: HtmxRequest, pk: int) -> OpsException:
    """Out of scope is not found: a store manager cannot even learn another store's ids exist."""
    return get_object_or_404(exceptions_for(request.user), pk=pk)


def _card(request: HtmxRequest, exception: OpsException, *, status: int = 200, error: str = "",
          notice: str = "", forms: dict[str, Any] | None = None) -> HttpResponse:
    operate = can(request.user, Action.OPERATE, exception.store)
    with timezone.override(timezone_of(exception.store.timezone)):
        context = {
            "exception": exception, "events": exception_events(exception), "can_operate": operate,
            "error": error, "notice": notice, "now": timezone.now(),
            "odoo_url": exception.odoo_url,
            "portal_path": exception.portal_path(),
            "writebacks": WriteBack.objects.filter(source_type=OpsException._meta.label_lower,
                                                   source_id=str(exception.pk)).order_by("-created_at")[:10],
            "snooze_form": SnoozeForm(), "resolve_form": ResolveForm(),
            "assign_form": AssignForm(owners=assignees_for(exception.store)) if operate else None,
            "store_tz": exception.store.timezone, **(forms or {}),
        }
        template = "operations/detail.html#exception-card" if request.htmx else "operations/detail.html"
        return render(request, template, context, status=status)


@login_required
@require_GET
def exception_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    return _card(request, _visible(request, pk))


def _act(request: HtmxRequest, exception: OpsException, action: Callable[[], OpsException], done: str,
         forms: dict[str, Any] | None = None) -> HttpResponse:
    try:
        exception = action()
    except ExceptionActionRefused as exc:
        return _card(request, exception, status=exc.status_code, error=str(exc), forms=forms)
    if request.htmx:
        return _card(request, exception, notice=done)
    messages.success(request, done)
    return redirect("operations:detail", pk=exception.pk)


@login_required
@require_POST
def exception_acknowledge_view(request: HtmxRequest, pk: int) -> HttpResponse:
    exception = _visible(request, pk)
    return _act(request, exception, lambda: exception_acknowledge(
        exception=exception, actor=request.user, request=request), "Acknowledged.")  # type: ignore[arg-type]


@login_required
@require_POST
def exception_assign_view(request: HtmxRequest, pk: int) -> HttpResponse:
    exception = _visible(request, pk)
    form = AssignForm(request.POST, owners=assignees_for(exception.store))
    if not form.is_valid():
        return _card(request, exception, status=400, error=first_error(form), forms={"assign_form": form})
    owner = form.cleaned_data["owner"]
    return _act(request, exception, lambda: exception_assign(
        exception=exception, actor=request.user, owner=owner, request=request),  # type: ignore[arg-type]
        f"Assigned to {owner.get_username()}.", forms={"assign_form": form})


@login_required
@require_POST
def exception_snooze_view(request: HtmxRequest, pk: int) -> HttpResponse:
    exception = _visible(request, pk)
    with timezone.override(timezone_of(exception.store.timezone)):  # the form's time is store time
        form = SnoozeForm(request.POST)
        valid = form.is_valid()
    if not valid:
        return _card(request, exception, status=400, error=first_error(form), forms={"snooze_form": form})
    until, reason = form.cleaned_data["until"], form.cleaned_data["reason"]
    return _act(request, exception, lambda: exception_snooze(
        exception=exception, actor=request.user, until=until, reason=reason, request=request),  # type: ignore[arg-type]
        "Snoozed.", forms={"snooze_form": form})


@login_required
@require_POST
def exception_resolve_view(request: HtmxRequest, pk: int) -> HttpResponse:
    exception = _visible(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _card(request, exception, status=400, error=first_error(form), forms={"resolve_form": form})
    note = form.cleaned_data["note"]
    return _act(request, exception, lambda: exception_resolve(
        exception=exception, actor=request.user, note=note, request=request),  # type: ignore[arg-type]
        "Resolved.", forms={"resolve_form": form})

