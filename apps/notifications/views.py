"""The notification centre: the bell's count, the panel (newest first), opening one (marks it read),
mark read / all read, and each person's preferences. A person only ever reaches their own
notifications, and of those about a store only while the store is in their scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from apps.notifications import conf
from apps.notifications.models import Channel, NotificationKind
from apps.notifications.selectors import (
    channel_rows,
    notification_for,
    notification_settings_of,
    notifications_for,
    unread_count,
)
from apps.notifications.services import email_unsubscribe, notification_settings_save, notifications_mark_read
from apps.notifications.unsubscribe import DIGEST, UnsubscribeLinkInvalid, unsubscription_read


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


DROPDOWN_SIZE = 8  # the bell's dropdown shows the newest few; "All notifications" has the rest


def _panel(request: HtmxRequest, *, status: int = 200) -> HttpResponse:
    """The centre (page or fragment), or the bell's dropdown when the action came from there."""
    if request.htmx and request.POST.get("panel") == "dropdown":
        return _dropdown(request)
    context: dict[str, Any] = {"notes": list(notifications_for(request.user)), "unread": unread_count(request.user)}
    template = "notifications/centre.html#notification-panel" if request.htmx else "notifications/centre.html"
    return render(request, template, context, status=status)


def _dropdown(request: HtmxRequest) -> HttpResponse:
    context = {"notes": list(notifications_for(request.user, limit=DROPDOWN_SIZE)),
               "unread": unread_count(request.user)}
    return render(request, "notifications/partials/dropdown.html", context)


@login_required
@require_GET
def bell(request: HtmxRequest) -> HttpResponse:
    """The header's unread count, loaded after the page and refreshed by the live connection."""
    return render(request, "notifications/partials/bell.html", {"unread": unread_count(request.user)})


@login_required
@require_GET
def dropdown(request: HtmxRequest) -> HttpResponse:
    """The bell's dropdown: the newest notifications, mark read / all read in place, the unread count."""
    return _dropdown(request)


@login_required
@require_GET
def centre(request: HtmxRequest) -> HttpResponse:
    return _panel(request)


@login_required
@require_GET
def open_notification(request: HtmxRequest, pk: int) -> HttpResponse:
    """Mark it read and go where it points (a path inside the portal; anything else: the centre)."""
    note = notification_for(request.user, pk)
    if note is None:
        raise Http404("No such notification.")
    notifications_mark_read(user=request.user, ids=[note.pk])  # type: ignore[arg-type]
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None) and note.link.startswith("/"):
        return redirect(note.link)
    return redirect("notifications:centre")


@login_required
@require_POST
def mark_read(request: HtmxRequest, pk: int) -> HttpResponse:
    if notification_for(request.user, pk) is None:
        raise Http404("No such notification.")
    notifications_mark_read(user=request.user, ids=[pk])  # type: ignore[arg-type]
    return _panel(request) if request.htmx else redirect("notifications:centre")


@login_required
@require_POST
def mark_all_read(request: HtmxRequest) -> HttpResponse:
    count = notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    if request.htmx:
        return _panel(request)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications:centre")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HtmxRequest) -> HttpResponse:
    """Per kind: in the portal, by e-mail or both; the morning digest on or off, and its time zone."""
    chosen = notification_settings_of(request.user)  # type: ignore[arg-type]
    error = ""
    status = 200
    if request.method == "POST":
        channels = {kind: request.POST.get(f"channel-{kind}", "") for kind in NotificationKind.values}
        try:
            chosen = notification_settings_save(user=request.user, channels=channels,  # type: ignore[arg-type]
                                                digest=request.POST.get("digest") == "on",
                                                time_zone=request.POST.get("time_zone", ""))
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(request, "Your notification settings are saved.")
            return redirect("notifications:preferences")
    rows = channel_rows(chosen)
    if error:  # show what the person chose, not what was saved before
        for row in rows:
            row["channel"] = request.POST.get(f"channel-{row['kind']}", row["channel"])
        chosen.time_zone, chosen.digest = request.POST.get("time_zone", "")[:64], request.POST.get("digest") == "on"
    context = {"rows": rows, "chosen": chosen, "error": error,
               "channels": Channel.choices, "digest_time": conf.DIGEST_TIME, "portal_time_zone": settings.TIME_ZONE}
    return render(request, "notifications/preferences.html", context, status=status)


@csrf_exempt  # the signed link is the credential: mail clients POST it without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: GET asks to confirm (link scanners must not unsubscribe anyone), POST unsubscribes
    the person and the kind of e-mail the link was signed for, and nothing else."""
    try:
        wanted = unsubscription_read(token)
    except UnsubscribeLinkInvalid as exc:
        return render(request, "notifications/unsubscribe.html", {"error": str(exc)}, status=400)
    what = _("the morning digest") if wanted.kind == DIGEST else NotificationKind(wanted.kind).label
    context = {"what": what, "address": wanted.user.email, "done": False}
    if request.method == "POST":
        email_unsubscribe(user=wanted.user, kind=wanted.kind)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
