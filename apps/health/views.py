"""Workflow health: the page (HQ and operations), one signal's history, the JSON endpoint, the
Prometheus metrics (bearer token) and replaying a write-back (operations admins)."""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from apps.health import conf
from apps.health.metrics import CONTENT_TYPE, metrics_text
from apps.health.models import HealthSignal
from apps.health.selectors import (
    current_signals,
    grouped,
    recent_history,
    replayable_writebacks,
    signal_history,
    signal_payload,
    worst,
)
from apps.health.services import health_check_portal
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.writeback.models import WriteBack
from apps.writeback.selectors import replay_outcome, writebacks_settled
from apps.writeback.services import writeback_replay


class HtmxRequest(HttpRequest):
    """A request seen through django-htmx's middleware."""

    htmx: HtmxDetails


NOT_NETWORK = gettext_lazy("Workflow health is for HQ and operations; your roles cover stores or regions only.")


def _require_network_view(request: HtmxRequest) -> None:
    if not has_network_scope(request.user, Action.VIEW):
        raise PermissionDenied(NOT_NETWORK)


def _panel(request: HtmxRequest, *, status: int = 200, error: str = "", notice: str = "") -> HttpResponse:
    health_check_portal()
    signals = current_signals()
    context: dict[str, Any] = {
        "groups": grouped(signals), "overall": worst(signals), "history": recent_history(),
        "attention": sorted((s for s in signals if s.rank), key=lambda s: (-s.rank, s.category, s.label)),
        "writebacks": replayable_writebacks(request.user), "now": timezone.now(), "error": error, "notice": notice,
        "can_replay": has_network_scope(request.user, Action.ADMINISTER),
    }
    template = "health/page.html#health-panel" if request.htmx else "health/page.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def health_page(request: HtmxRequest) -> HttpResponse:
    _require_network_view(request)
    return _panel(request)


@login_required
@require_GET
def signal_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    _require_network_view(request)
    signal = get_object_or_404(HealthSignal, pk=pk)
    return render(request, "health/signal.html", {"signal": signal, "events": signal_history(signal)})


@require_GET
def signals_json(request: HtmxRequest) -> JsonResponse:
    """Every signal as JSON for scripts and dashboards; session-authenticated like the pages."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": gettext("Sign in to read workflow health.")}, status=401)
    if not has_network_scope(request.user, Action.VIEW):
        return JsonResponse({"detail": NOT_NETWORK}, status=403)
    health_check_portal()
    signals = current_signals()
    return JsonResponse({"status": worst(signals), "checked_at": timezone.now().isoformat(),
                         "signals": [signal_payload(s) for s in signals]})


@require_GET
def metrics(request: HtmxRequest) -> HttpResponse:
    """Prometheus scrape target. Without CT_METRICS_TOKEN it does not exist (404); without the
    right bearer token it answers 401 and says nothing else."""
    token = conf.METRICS_TOKEN
    if not token:
        raise Http404(gettext("Metrics are disabled."))
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = HttpResponse(gettext("A bearer token is required.\n"), status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    health_check_portal()
    return HttpResponse(metrics_text(current_signals()), content_type=CONTENT_TYPE)


@login_required
@require_POST
def writeback_replay_view(request: HtmxRequest, pk: int) -> HttpResponse:
    if not has_network_scope(request.user, Action.ADMINISTER):
        raise PermissionDenied(gettext("Replaying write-backs is for operations admins."))
    writeback = get_object_or_404(WriteBack.objects.for_user(request.user, Action.ADMINISTER), pk=pk)
    try:
        writeback_replay(writeback=writeback, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValueError as exc:
        if request.htmx:
            return _panel(request, status=409, error=str(exc))
        messages.error(request, str(exc))
        return redirect("health:page")
    (settled,) = writebacks_settled([writeback.pk])  # the outcome, said where the button was pressed
    outcome, done = replay_outcome(settled)
    if request.htmx:
        return _panel(request, notice=done) if outcome != "refused" else _panel(request, error=done)
    (messages.error if outcome == "refused" else messages.success)(request, done)
    return redirect("health:page")
