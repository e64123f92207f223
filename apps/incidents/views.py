"""Store incident pages and fragments. Each view checks access, parses input, calls one service or
selector and renders; a fragment is the same partial the full page renders, so they cannot drift."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.incidents import conf, selectors
from apps.incidents.forms import CommentForm, IncidentForm, OverrideForm, ReopenForm
from apps.incidents.services import incident_comment_add, incident_submit, incident_text, triage_suggest
from apps.incidents.services.confirmation import incident_fix_confirm, incident_reopen
from apps.incidents.services.followup import incident_override
from apps.incidents.taxonomy import EXAMPLES, Category
from apps.incidents.triage.providers import model_warm_in_background
from apps.organisation.roles import Action
from apps.portal.saved_views import remember_list_query, saved_views_for

MIN_TRIAGE_TEXT = 8
BACK_KEY = "incidents.list_query"


def _list_context(request: HttpRequest) -> dict[str, Any]:
    if not selectors.incidents_visible(request.user):
        raise PermissionDenied(gettext("Incidents need a store, region or network role."))
    filters = selectors.filters_parse(request.GET.dict())
    listing = selectors.incidents_for(request.user, filters, request.GET)
    # Opening an incident and coming back restores the list as it was (filters, search, sort, page).
    remember_list_query(request, BACK_KEY)
    return {"incidents": listing.rows, "listing": listing, "filters": filters}


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    context = _list_context(request)
    context["can_report"] = selectors.report_stores(request.user).exists()
    context["filter_stores"] = selectors.filter_stores(request.user)
    context["saved_views"] = saved_views_for(request.user, "incidents")
    return render(request, "incidents/list.html", context)


@login_required
@require_GET
def incident_list_panel(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/list.html#incident-list", _list_context(request))


def _new_context(form: IncidentForm) -> dict[str, Any]:
    return {"form": form, "threshold": conf.TRIAGE_MIN_CONFIDENCE,
            "examples": {Category(key).label: gettext(text) for key, text in EXAMPLES.items()},
            "max_photos": conf.MAX_PHOTOS, "max_mb": conf.PHOTO_MAX_BYTES / (1024 * 1024)}


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    stores = selectors.report_stores(request.user)
    if not stores.exists():
        raise PermissionDenied(gettext("Reporting an incident needs a store manager or regional role."))
    if request.method != "POST":
        model_warm_in_background()  # the first suggestion should not wait for training
        return render(request, "incidents/new.html", _new_context(IncidentForm(stores=stores)))
    form = IncidentForm(request.POST, request.FILES, stores=stores)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if form.is_valid():
        try:
            incident = incident_submit(user=request.user, report=form.report(), request=request)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Thank you. Incident %(reference)s is saved and queued for Odoo.")
                             % {"reference": incident.reference})
            if wants_json:  # the phone's send queue (an offline report sent later, or resent)
                return JsonResponse({"id": incident.pk, "reference": incident.reference,
                                     "url": incident.get_absolute_url()}, status=201)
            return redirect(incident)
    if wants_json:
        return JsonResponse({"errors": {name: [str(message) for message in errors]
                                        for name, errors in form.errors.items()}}, status=400)
    context = _new_context(form)
    context["photos_dropped"] = bool(request.FILES)
    return render(request, "incidents/new.html", context, status=400)


@login_required
@require_POST
def incident_triage(request: HttpRequest) -> HttpResponse:
    """The debounced suggestion while a person types. Logged: the log is how the model is judged."""
    stores = selectors.report_stores(request.user)
    if not stores.exists():
        raise PermissionDenied(gettext("Triage suggestions are for people who report incidents."))
    text = incident_text(request.POST.get("title", "")[:120], request.POST.get("description", "")[:4000])
    store_id = request.POST.get("store", "")
    store = stores.filter(pk=store_id).first() if store_id.isdigit() else None
    suggestion = None
    if len(text) >= MIN_TRIAGE_TEXT:
        suggestion = triage_suggest(user=request.user, text=text, store=store)  # type: ignore[arg-type]
    return render(request, "incidents/new.html#triage", {"suggestion": suggestion,
                                                         "threshold": conf.TRIAGE_MIN_CONFIDENCE})


def _detail_context(request: HttpRequest, pk: int, **forms: Any) -> dict[str, Any]:
    detail = selectors.incident_detail(request.user, pk)
    context: dict[str, Any] = {"detail": detail, "incident": detail.incident, "now_overdue":
                               detail.incident.is_overdue(), "max_photos": conf.MAX_PHOTOS,
                               "back_query": request.session.get(BACK_KEY, "")}
    context["reopen_form"] = forms.get("reopen_form") or ReopenForm()
    context["comment_form"] = forms.get("comment_form") or CommentForm()
    context["override_form"] = forms.get("override_form") or OverrideForm(teams=detail.team_choices,
                                                                          duplicates=detail.duplicate_choices)
    return context


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "incidents/detail.html", _detail_context(request, pk))


@login_required
@require_GET
def incident_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "incidents/detail.html#incident-panel", _detail_context(request, pk))


@login_required
@require_POST
def incident_comment(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(request.user, pk)
    selectors.incident_require(request.user, incident, Action.OPERATE)
    form = CommentForm(request.POST, request.FILES, room=incident.photo_room())
    if form.is_valid():
        try:
            incident_comment_add(incident=incident, author=request.user, body=form.cleaned_data["body"],  # type: ignore[arg-type]
                                 photos=form.cleaned_data["photos"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Comment added; it is sent to Odoo's chatter."))
            return redirect(incident)
    return render(request, "incidents/detail.html", _detail_context(request, pk, comment_form=form), status=400)


@login_required
@require_POST
def incident_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(request.user, pk)
    selectors.incident_require(request.user, incident, Action.DECIDE)
    detail = selectors.incident_detail(request.user, pk)
    form = OverrideForm(request.POST, teams=detail.team_choices, duplicates=detail.duplicate_choices)
    if form.is_valid():
        try:
            override = incident_override(incident=incident, actor=request.user, change=form.change(),  # type: ignore[arg-type]
                                         request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("%(change)s recorded; it is sent to Odoo.")
                % {"change": override.get_kind_display()})
            return redirect(incident)
    return render(request, "incidents/detail.html", _detail_context(request, pk, override_form=form), status=400)


@login_required
@require_POST
def incident_fixed(request: HttpRequest, pk: int) -> HttpResponse:
    """"Fixed?" — yes."""
    incident = selectors.incident_get(request.user, pk)
    selectors.incident_require(request.user, incident, Action.OPERATE)
    try:
        incident_fix_confirm(incident=incident, user=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Thank you: the fix is confirmed, and the team is told."))
    return redirect(incident)


@login_required
@require_POST
def incident_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    """"Fixed?" — no: reopened with the reason, here and in Odoo."""
    incident = selectors.incident_get(request.user, pk)
    selectors.incident_require(request.user, incident, Action.OPERATE)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            incident_reopen(incident=incident, user=request.user, reason=form.cleaned_data["reason"],  # type: ignore[arg-type]
                            request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Reopened: the team sees your reason."))
            return redirect(incident)
    return render(request, "incidents/detail.html", _detail_context(request, pk, reopen_form=form), status=400)


@login_required
@require_GET
def incident_photo(request: HttpRequest, photo_id: str) -> FileResponse:
    """Photos are only ever served here, after the scope check; never from a public media URL."""
    photo = selectors.photo_get(request.user, photo_id)
    try:
        handle = photo.file.open("rb")
    except OSError:
        raise Http404(gettext("The photo file is missing.")) from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="{photo.pk.hex}.jpg"'
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response
