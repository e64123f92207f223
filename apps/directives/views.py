"""Directive pages for authors and viewers (HQ, regions): the list, drafting, the directive with its
readiness and summary, the side-by-side review grid, the dashboards' readiness panel and the CSV.
Each view checks access through the selectors, calls one service and renders; a fragment is the same
partial the full page renders. The store's checklist is in `store_views.py`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.dashboards.exports import csv_text
from apps.directives import selectors
from apps.directives.forms import DirectiveForm
from apps.directives.models import Directive, ItemAnswer, ItemKind
from apps.directives.services import (
    DirectiveRefused,
    attachment_add,
    directive_cancel,
    directive_create,
    directive_edit,
    directive_publish,
    editable,
    may_author,
)
from apps.directives.summary import readiness_summary
from apps.organisation.models import Region
from apps.organisation.roles import Action
from apps.organisation.scope import regions_for

TOPICS = "directives directive"


def _require_viewer(request: HttpRequest) -> None:
    if not selectors.sees_directives(request.user):
        raise PermissionDenied("Directives need a store, region or network role.")


@login_required
@require_GET
def directive_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    context = {"directives": selectors.directives_for(request.user).select_related("owner_region")[:100],
               "owners": selectors.authoring_regions(request.user), "due": selectors.due_today(request.user)}
    return render(request, "directives/list.html", context)


def _owner(request: HttpRequest) -> Region | None:
    owners = selectors.authoring_regions(request.user)
    if not owners:
        raise PermissionDenied("Sending directives needs HQ or a regional manager role.")
    wanted = request.GET.get("region") or request.POST.get("owner_region") or ""
    return next((o for o in owners if o is not None and o.code == wanted), owners[0])


def _form_errors(form: DirectiveForm, exc: ValidationError | DirectiveRefused) -> None:
    """A service's refusal onto the form: by field where the form has it, on top otherwise."""
    if isinstance(exc, DirectiveRefused) or not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        return
    for name, problems in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _form_context(form: DirectiveForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "kinds": ItemKind.choices, "blank_rows": range(3), **extra}


@login_required
@require_http_methods(["GET", "POST"])
def directive_new(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    if request.method != "POST":
        form = DirectiveForm(owner_region=owner, initial={"target_mode": "all", "due_time": "09:00",
                                                          "due_on": timezone.localdate()})
        return render(request, "directives/edit.html", _form_context(form, owner=owner))
    form = DirectiveForm(request.POST, request.FILES, owner_region=owner)
    if form.is_valid():
        try:
            directive = directive_create(author=request.user, draft=form.draft(request.POST),  # type: ignore[arg-type]
                                         attachments=request.FILES.getlist("attachments"), request=request)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Draft saved. Publish it to send it to the stores.")
            return redirect(directive)
    return render(request, "directives/edit.html", _form_context(form, owner=owner, items=form.items_parse(
        request.POST)), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def directive_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    directive = selectors.directive_get(request.user, pk)
    selectors.directive_require_author(request.user, directive)
    if request.method != "POST":
        form = DirectiveForm(owner_region=directive.owner_region, initial={
            "title": directive.title, "instructions": directive.instructions, "due_on": directive.due_on,
            "due_time": directive.due_time, "launch_on": directive.launch_on, "launch_time": directive.launch_time,
            "target_mode": directive.target_mode, "regions": directive.target_regions.all(),
            "stores": directive.target_stores.all(), "groups": directive.target_groups.all()})
        return render(request, "directives/edit.html", _form_context(
            form, directive=directive, owner=directive.owner_region, items=list(directive.items.all())))
    form = DirectiveForm(request.POST, request.FILES, owner_region=directive.owner_region)
    if form.is_valid():
        try:
            directive_edit(directive=directive, actor=request.user, draft=form.draft(request.POST),  # type: ignore[arg-type]
                           request=request)
        except (ValidationError, DirectiveRefused) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Directive updated.")
            return redirect(directive)
    return render(request, "directives/edit.html", _form_context(
        form, directive=directive, owner=directive.owner_region, items=form.items_parse(request.POST)), status=400)


def _region_param(request: HttpRequest) -> Region | None:
    code = request.GET.get("region", "")
    if not code:
        return None
    region = regions_for(request.user, Action.VIEW).filter(code=code).first()
    if region is None:
        raise PermissionDenied(f"Region {code[:16]} is not in your scope.")
    return region


def _detail_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    directive = selectors.directive_get(request.user, pk)
    region = _region_param(request)
    readiness = selectors.readiness(request.user, directive, region=region)
    said, log = readiness_summary(readiness, viewer=request.user)  # type: ignore[arg-type]
    author = may_author(request.user, directive.owner_region)  # type: ignore[arg-type]
    return {"directive": directive, "readiness": readiness, "summary": said, "summary_log": log, "region": region,
            "items": list(directive.items.all()), "attachments": list(directive.attachments.all()),
            "can_author": author, "can_edit": author and editable(directive), "topics": TOPICS}


@login_required
@require_GET
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directives/detail.html", _detail_context(request, pk))


@login_required
@require_GET
def directive_readiness(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directives/detail.html#readiness", _detail_context(request, pk))


def _author_action(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    directive = selectors.directive_get(request.user, pk)
    selectors.directive_require_author(request.user, directive)
    try:
        action(directive=directive, actor=request.user, request=request)
    except DirectiveRefused as exc:
        messages.error(request, str(exc))
        return render(request, "directives/detail.html", _detail_context(request, pk), status=409)
    messages.success(request, done)
    return redirect(directive)


@login_required
@require_POST
def directive_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _author_action(request, pk, directive_publish, "Published: every targeted store has it now.")


@login_required
@require_POST
def directive_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _author_action(request, pk, directive_cancel, "Directive cancelled.")


@login_required
@require_POST
def directive_attach(request: HttpRequest, pk: int) -> HttpResponse:
    directive: Directive = selectors.directive_get(request.user, pk)
    selectors.directive_require_author(request.user, directive)
    try:
        for upload in request.FILES.getlist("attachments"):
            attachment_add(directive=directive, upload=upload)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "directives/detail.html", _detail_context(request, pk), status=400)
    return redirect(directive)


@login_required
@require_GET
def directive_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Each store's answers and photos side by side, worst stores first."""
    context = _detail_context(request, pk)
    rows = context["readiness"].rows
    answers = {(a.copy_id, a.item_id): a for a in ItemAnswer.objects.filter(
        copy__in=[r.copy.pk for r in rows]).select_related("item")}
    context["grid"] = [(row, [answers.get((row.copy.pk, item.pk)) for item in context["items"]]) for row in rows]
    return render(request, "directives/review.html", context)


@login_required
@require_GET
def directive_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The readiness table as CSV (spreadsheet formulas defused), in the person's scope."""
    context = _detail_context(request, pk)
    rows: list[list[Any]] = [["store", "region", "status", "answered", "items", "due", "submitted", "approved",
                              "on time", "missing"]]
    for row in context["readiness"].rows:
        copy = row.copy
        rows.append([copy.store.code, copy.store.region_id, row.label, row.answered, row.total,
                     copy.due_at.isoformat(), copy.submitted_at.isoformat() if copy.submitted_at else "",
                     copy.approved_at.isoformat() if copy.approved_at else "",
                     "" if copy.on_time is None else ("yes" if copy.on_time else "no"), "; ".join(row.missing)])
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="directive-{pk}-readiness.csv"'
    return response


@login_required
@require_GET
def readiness_panel(request: HttpRequest) -> HttpResponse:
    """The dashboards' panel "Directives: readiness for <directive>" (region with ?region=CODE)."""
    _require_viewer(request)
    region = _region_param(request)
    choices = selectors.panel_directives(request.user, region=region)
    wanted = request.GET.get("directive", "")
    directive = next((d for d in choices if str(d.pk) == wanted), choices[0] if choices else None)
    readiness = selectors.readiness(request.user, directive, region=region) if directive else None
    now = timezone.now()
    on_time, due = selectors.on_time_rate(request.user, since=now - timedelta(days=30), until=now,
                                          region=region)
    return render(request, "directives/partials/readiness_panel.html", {
        "readiness": readiness, "choices": choices, "region": region, "topics": TOPICS,
        "on_time": on_time, "due_count": due, "on_time_percent": round(100 * on_time / due) if due else None})
