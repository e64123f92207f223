"""Webhook pages for operations admins: subscriptions, the delivery log, redelivery and test pings.

A new or rotated signing secret is rendered once in the response to the POST that made it (never put
in a URL, a message cookie or the session), and that response is marked `no-store`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from apps.sync.hints import hint_path
from apps.webhooks import selectors
from apps.webhooks.events import EVENT_TYPES, envelope
from apps.webhooks.forms import SubscriptionForm
from apps.webhooks.models import WebhookSubscription
from apps.webhooks.services import (
    delivery_redeliver,
    subscription_create,
    subscription_delete,
    subscription_ping,
    subscription_rotate_secret,
    subscription_update,
)

PAGE_SIZE = 50


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _list(request: HttpRequest, *, form: SubscriptionForm | None = None, secret: str = "",
          created: WebhookSubscription | None = None, status: int = 200) -> HttpResponse:
    context = {"subscriptions": list(selectors.subscriptions_overview(request.user)),
               "form": form or SubscriptionForm(initial={"active": True}), "event_types": EVENT_TYPES,
               "secret": secret, "created": created, "hint_path": hint_path()}
    return _no_store(render(request, "webhooks/list.html", context, status=status))


@login_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@login_required
@require_POST
def subscription_new(request: HttpRequest) -> HttpResponse:
    selectors.webhooks_access_check(request.user)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sub, secret = subscription_create(actor=request.user, name=data["name"], url=data["url"],  # type: ignore[arg-type]
                                              events=data["events"], active=data["active"], stores=data["stores"],
                                              regions=data["regions"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _list(request, secret=secret, created=sub, status=201)
    return _list(request, form=form, status=400)


def _detail_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    subscription = selectors.subscription_get(request.user, pk)
    status = request.GET.get("status", "all")
    if status not in selectors.DELIVERY_FILTERS:
        status = "all"
    page = Paginator(selectors.deliveries_for(subscription, status), PAGE_SIZE).get_page(request.GET.get("page"))
    return {"subscription": subscription, "page": page, "status": status,
            "statuses": selectors.delivery_filter_choices()}


def _detail(request: HttpRequest, pk: int, *, form: SubscriptionForm | None = None, secret: str = "",
            status: int = 200) -> HttpResponse:
    context = _detail_context(request, pk)
    sub = context["subscription"]
    context["form"] = form or SubscriptionForm(initial={
        "name": sub.name, "url": sub.url, "events": sub.events, "active": sub.active,
        "stores": list(sub.stores.all()), "regions": list(sub.regions.all())})
    context["secret"] = secret
    return _no_store(render(request, "webhooks/detail.html", context, status=status))


@login_required
@require_GET
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_GET
def deliveries_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The delivery log: rendered by the page, htmx paging and filtering, and live refreshes."""
    return render(request, "webhooks/detail.html#deliveries-panel", _detail_context(request, pk))


@login_required
@require_POST
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_get(request.user, pk)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            subscription_update(subscription=subscription, actor=request.user, name=data["name"],  # type: ignore[arg-type]
                                url=data["url"], events=data["events"], active=data["active"],
                                stores=data["stores"], regions=data["regions"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Subscription %(name)s saved.") % {"name": subscription.name})
            return redirect("webhooks:detail", pk=pk)
    return _detail(request, pk, form=form, status=400)


@login_required
@require_POST
def subscription_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_get(request.user, pk)
    subscription_delete(subscription=subscription, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, gettext("Subscription %(name)s deleted; it receives nothing more.") % {
        "name": subscription.name})
    return redirect("webhooks:list")


@login_required
@require_POST
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_get(request.user, pk)
    secret = subscription_rotate_secret(subscription=subscription, actor=request.user, request=request)  # type: ignore[arg-type]
    return _detail(request, pk, secret=secret)


@login_required
@require_POST
def subscription_ping_view(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_get(request.user, pk)
    subscription_ping(subscription=subscription, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, gettext("A ping event is on its way to %(name)s.") % {"name": subscription.name})
    return redirect("webhooks:detail", pk=pk)


@login_required
@require_GET
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(request.user, pk)
    return render(request, "webhooks/delivery.html", {"delivery": delivery, "attempts": delivery.attempt_log.all(),
                                                      "body": envelope(delivery.event).decode()})


@login_required
@require_POST
def delivery_redeliver_view(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_get(request.user, pk)
    try:
        delivery_redeliver(delivery=delivery, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Delivery %(number)s is queued again.") % {"number": delivery.pk})
    return redirect("webhooks:detail", pk=delivery.subscription_id)
