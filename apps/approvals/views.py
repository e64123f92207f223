"""The approval inbox, the detail view and the decision endpoints. Thin: parse, call, render.

Every record is fetched through `selectors.requests_for` (the scope choke point): outside the scope
is a 404; inside it without the right role is a 403 naming what is missing. Each panel is one
`{% partialdef %}` served for the page, the htmx swap and the live refresh alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event
from django_htmx.middleware import HtmxDetails

from apps.approvals import conf, selectors
from apps.approvals.briefing import approval_brief
from apps.approvals.lines import line_table
from apps.approvals.models import ApprovalRequest, Decision
from apps.approvals.policy import role_rank
from apps.approvals.services.decisions import decision_record, decision_retry, decisions_bulk_approve
from apps.approvals.services.overrides import request_escalate, request_extend_deadline, request_reassign
from apps.approvals.services.undo import decisions_undo, undo_until
from apps.organisation.roles import Action
from apps.portal.saved_views import remember_list_query, saved_views_for


class HtmxRequest(HttpRequest):
    """A request seen through django-htmx's middleware."""

    htmx: HtmxDetails


def _request_or_404(request: HtmxRequest, pk: int) -> ApprovalRequest:
    try:
        return selectors.request_detail(request.user, pk)
    except ApprovalRequest.DoesNotExist:
        raise Http404(_("No such approval request in your scope.")) from None


def _refusal(request: HtmxRequest, message: str, status: int) -> HttpResponse:
    """A clear 4xx: for htmx an error fragment that static/js/feedback.js shows next to the control
    that sent the request (never swapped over the panel), as a page otherwise."""
    if request.htmx:
        return render(request, "portal/partials/error.html", {"message": message}, status=status)
    return render(request, "approvals/refused.html", {"message": message}, status=status)


def _toast(request: HtmxRequest, response: HttpResponse, message: str, decisions: list[Decision]) -> HttpResponse:
    """The confirmation of a decision, with Undo while its window lasts: appended to the page's toast
    region (out of band, aria-live) and kept until the person dismisses it."""
    if not request.htmx:
        messages.success(request, message)
        return response
    until = undo_until(decisions[0]) if decisions else None
    toast = render(request, "approvals/partials/toast.html", {
        "message": message, "oob": True, "undo_until": until,
        "undo_ids": [decision.pk for decision in decisions] if until else []})
    response.write(toast.content)
    return response


def _decided_message(decisions: list[Decision]) -> str:
    seconds = settings.CT_APPROVAL_UNDO_SECONDS
    when = " " + _("It goes to Odoo in %(seconds)s s unless you undo it.") % {"seconds": seconds} if seconds else ""
    if len(decisions) == 1:
        decision = decisions[0]
        if not decision.final:
            return _("First approval recorded for %(reference)s.") % {"reference": decision.request.reference}
        return _("%(verb)s %(reference)s.") % {"verb": decision.verb, "reference": decision.request.reference} + when
    return ngettext("Approved %(count)d request.", "Approved %(count)d requests.", len(decisions)) % {
        "count": len(decisions)} + when


def _refused(request: HtmxRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, ValidationError):
        return _refusal(request, " ".join(exc.messages), 400)
    return _refusal(request, str(exc) or _("You cannot do this."), 403)


BACK_KEY = "approvals.inbox_query"


def _inbox_context(request: HtmxRequest) -> dict[str, Any]:
    params = request.GET
    filters = selectors.inbox_filters_parse(params)
    listing = selectors.inbox_page(request.user, filters, params)
    # Opening a request and coming back restores the list as it was (filters, search, sort, page).
    remember_list_query(request, BACK_KEY)
    deciding_store_ids = set()
    if listing.rows:
        from apps.organisation.scope import store_ids

        deciding_store_ids = store_ids(request.user, Action.DECIDE)
    counts = selectors.inbox_counts(request.user)
    tabs = []
    for show, label in (("open", pgettext("status", "Open")), ("decided", _("Decided"))):
        query = filters.as_querydict()
        query.pop("show", None)
        if show != "open":
            query["show"] = show
        tabs.append({"label": label, "count": counts[show], "query": query.urlencode(),
                     "current": filters.show == show})
    return {"filters": filters, "listing": listing, "rows": listing.rows, "tabs": tabs, "counts": counts,
            "can_decide_ids": deciding_store_ids, "now": timezone.now(), "confirm_above": conf.CONFIRM_ABOVE}


@login_required
@require_GET
def inbox(request: HtmxRequest) -> HttpResponse:
    context = _inbox_context(request)
    context["choices"] = selectors.inbox_choices(request.user)
    context["saved_views"] = saved_views_for(request.user, "approvals")
    return render(request, "approvals/inbox.html", context)


@login_required
@require_GET
def inbox_panel(request: HtmxRequest) -> HttpResponse:
    return render(request, "approvals/inbox.html#inbox-panel", _inbox_context(request))


def _row_context(request: HtmxRequest, item: ApprovalRequest) -> dict[str, Any]:
    deciding = {item.store_id} if role_rank(request.user, item.store) >= 0 else set()
    return {"item": item, "can_decide_ids": deciding, "now": timezone.now(), "confirm_above": conf.CONFIRM_ABOVE}


@login_required
@require_GET
def row(request: HtmxRequest, pk: int) -> HttpResponse:
    return render(request, "approvals/inbox.html#row", _row_context(request, _request_or_404(request, pk)))


def _detail_context(request: HtmxRequest, item: ApprovalRequest) -> dict[str, Any]:
    return {"item": item, "decisions": list(item.decisions.select_related("writeback", "actor").all()),
            "can_decide": role_rank(request.user, item.store) >= 0, "now": timezone.now(),
            "history": selectors.request_history(item), "back_query": request.session.get(BACK_KEY, "")}


@login_required
@require_GET
def detail(request: HtmxRequest, pk: int) -> HttpResponse:
    from apps.adjustments.selectors import report_for_approval

    item = _request_or_404(request, pk)
    context = _detail_context(request, item)
    context["floor_report"] = report_for_approval(item)  # a count reported from the store floor: reason, photo
    context["brief"] = approval_brief(request.user, item)
    return render(request, "approvals/detail.html", context)


@login_required
@require_GET
def decision_panel(request: HtmxRequest, pk: int) -> HttpResponse:
    item = _request_or_404(request, pk)
    return render(request, "approvals/detail.html#decision-panel", _detail_context(request, item))


@login_required
@require_GET
def brief(request: HtmxRequest, pk: int) -> HttpResponse:
    """What to know before approving, as a fragment: the inbox's preview and the detail page's card."""
    item = _request_or_404(request, pk)
    return render(request, "approvals/partials/brief.html", {"brief": approval_brief(request.user, item)})


@login_required
@require_GET
def lines(request: HtmxRequest, pk: int) -> HttpResponse:
    item = _request_or_404(request, pk)
    return render(request, "approvals/detail.html#lines", {"item": item, "lines": line_table(item)})


def _after_action(request: HtmxRequest, item: ApprovalRequest) -> HttpResponse:
    """htmx: the panel the action came from, re-rendered; without JS: back to the page."""
    item = selectors.request_detail(request.user, item.pk)
    if request.htmx and request.POST.get("from") == "row":
        return render(request, "approvals/inbox.html#row", _row_context(request, item))
    if request.htmx:
        return render(request, "approvals/detail.html#decision-panel", _detail_context(request, item))
    return HttpResponseRedirect(reverse("approvals:detail", args=[item.pk]))


@login_required
@require_POST
def decide(request: HtmxRequest, pk: int) -> HttpResponse:
    item = _request_or_404(request, pk)
    try:
        decision = decision_record(request=item, actor=request.user,  # type: ignore[arg-type]
                                   outcome=request.POST.get("outcome", ""), comment=request.POST.get("comment", ""),
                                   http_request=request)
    except (PermissionDenied, ValidationError) as exc:
        return _refused(request, exc)
    return _toast(request, _after_action(request, item), _decided_message([decision]), [decision])


@login_required
@require_POST
def bulk_approve(request: HtmxRequest) -> HttpResponse:
    raw = request.POST.getlist("ids")
    if not all(value.isdigit() for value in raw):
        return _refusal(request, _("The selection must be request numbers."), 400)
    ids = sorted({int(value) for value in raw})
    found = list(selectors.requests_for(request.user).filter(pk__in=ids))
    if len(found) != len(ids):
        return _refusal(request, _("Some selected requests are not in your scope; nothing was approved."), 404)
    try:
        decisions = decisions_bulk_approve(requests=found, actor=request.user,  # type: ignore[arg-type]
                                           comment=request.POST.get("comment", ""), http_request=request)
    except (PermissionDenied, ValidationError) as exc:
        return _refused(request, exc)
    response = (render(request, "approvals/inbox.html#inbox-panel", _inbox_context(request)) if request.htmx
                else HttpResponseRedirect(reverse("approvals:inbox")))
    return _toast(request, response, _decided_message(decisions), decisions)


@login_required
@require_POST
def undo(request: HtmxRequest) -> HttpResponse:
    """Take back one's own decision (or bulk decision) inside its undo window."""
    raw = request.POST.getlist("decision")
    if not raw or not all(value.isdigit() for value in raw):
        return _refusal(request, _("Say which decision to undo."), 400)
    ids = {int(value) for value in raw}
    found = selectors.decisions_to_undo(request.user, ids)
    if len(found) != len(ids):
        return _refusal(request, _("No such decision of yours in your scope."), 404)
    try:
        undone = decisions_undo(decisions=found, actor=request.user, http_request=request)  # type: ignore[arg-type]
    except (PermissionDenied, ValidationError) as exc:
        return _refused(request, exc)
    names = ", ".join(item.reference for item in undone[:5]) + (" …" if len(undone) > 5 else "")
    message = ngettext("Undone: %(names)s is open again; nothing went to Odoo.",
                       "Undone: %(names)s are open again; nothing went to Odoo.", len(undone)) % {"names": names}
    if not request.htmx:
        messages.success(request, message)
        return HttpResponseRedirect(reverse("approvals:inbox"))
    response = render(request, "approvals/partials/toast.html", {"message": message, "oob": False})
    return trigger_client_event(response, "approvals-changed")


def _override(request: HtmxRequest, pk: int, action: str) -> HttpResponse:
    item = _request_or_404(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "reassign":
            assignee = _assignee(request.POST.get("assignee", ""))
            request_reassign(request=item, actor=request.user, assignee=assignee,  # type: ignore[arg-type]
                             reason=reason, http_request=request)
        elif action == "extend":
            request_extend_deadline(request=item, actor=request.user,  # type: ignore[arg-type]
                                    deadline=_deadline(request.POST.get("deadline", "")), reason=reason,
                                    http_request=request)
        else:
            request_escalate(request=item, actor=request.user, reason=reason,  # type: ignore[arg-type]
                             http_request=request)
    except (PermissionDenied, ValidationError) as exc:
        return _refused(request, exc)
    return _after_action(request, item)


def _assignee(username: str) -> Any:
    try:
        return get_user_model().objects.get(username=username.strip(), is_active=True)
    except get_user_model().DoesNotExist:
        raise ValidationError(_("No active person called “%(name)s”.") % {"name": username.strip()}) from None


def _deadline(raw: str) -> datetime:
    value = parse_datetime(raw.strip()) if raw.strip() else None
    if value is None:
        raise ValidationError(_("The new deadline must be a date and time, e.g. 2030-01-31T17:00."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@login_required
@require_POST
def reassign(request: HtmxRequest, pk: int) -> HttpResponse:
    return _override(request, pk, "reassign")


@login_required
@require_POST
def extend(request: HtmxRequest, pk: int) -> HttpResponse:
    return _override(request, pk, "extend")


@login_required
@require_POST
def escalate(request: HtmxRequest, pk: int) -> HttpResponse:
    return _override(request, pk, "escalate")


@login_required
@require_POST
def retry(request: HtmxRequest, pk: int) -> HttpResponse:
    item = _request_or_404(request, pk)
    try:
        decision_retry(request=item, actor=request.user, http_request=request)  # type: ignore[arg-type]
    except (PermissionDenied, ValidationError) as exc:
        return _refused(request, exc)
    return _after_action(request, item)
