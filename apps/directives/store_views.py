"""The store's side (phone first) and the region's review of one store: "Due today", the checklist
with big tap targets and camera capture, progress, submit for review, approve or return an item.
The checklist page, its htmx swap and its live refresh render the same partial."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from apps.directives import selectors
from apps.directives.forms import AnswerForm, ReviewForm
from apps.directives.services import DirectiveRefused
from apps.directives.services.checklists import copy_approve_all, copy_submit, item_answer, item_review

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOPICS = "directives directive"


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)  # signed in: every view here is login_required


def _copy_context(request: HttpRequest, pk: int, **extra: Any) -> dict[str, Any]:
    return {"detail": selectors.copy_detail(request.user, pk), "topics": TOPICS, **extra}


def _render_copy(request: HttpRequest, pk: int, status: int = 200, **extra: Any) -> HttpResponse:
    template = "directives/copy.html#checklist" if request.headers.get("HX-Request") else "directives/copy.html"
    return render(request, template, _copy_context(request, pk, **extra), status=status)


@login_required
@require_GET
def copy_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directives/copy.html", _copy_context(request, pk))


@login_required
@require_GET
def copy_panel(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directives/copy.html#checklist", _copy_context(request, pk))


def _act(request: HttpRequest, pk: int, action: Any, *, item_id: int | None = None) -> HttpResponse:
    """Run one store or review action; a refusal re-renders the checklist with the reason (4xx)."""
    copy = selectors.copy_get(request.user, pk)
    item = selectors.item_get(copy, item_id) if item_id is not None else None
    try:
        action(copy, item)
    except ValidationError as exc:
        problems = exc.message_dict if hasattr(exc, "error_dict") else {"general": exc.messages}
        errors = {("general" if key == "__all__" else key): value for key, value in problems.items()}
        if item_id is None or "item" in errors:
            errors = {"general": [m for value in errors.values() for m in value]}
        return _render_copy(request, pk, status=400, errors=errors, error_item=item_id)
    except DirectiveRefused as exc:
        return _render_copy(request, pk, status=409, errors={"general": [str(exc)]}, error_item=item_id)
    if request.headers.get("HX-Request"):
        return _render_copy(request, pk)
    return redirect(copy)


@login_required
@require_POST
def copy_answer(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    def answer(copy: Any, item: Any) -> None:
        form = AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(form.errors)
        item_answer(copy=copy, item=item, actor=_user(request), answer=form.answer(), request=request)

    return _act(request, pk, answer, item_id=item_id)


@login_required
@require_POST
def copy_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda copy, _item: copy_submit(copy=copy, actor=_user(request), request=request))


@login_required
@require_POST
def copy_review(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    def review(copy: Any, item: Any) -> None:
        form = ReviewForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors)
        item_review(copy=copy, item=item, actor=_user(request), approve=form.cleaned_data["decision"] == "approve",
                    comment=form.cleaned_data.get("comment") or "", request=request)

    return _act(request, pk, review, item_id=item_id)


@login_required
@require_POST
def copy_approve_all_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda copy, _item: copy_approve_all(copy=copy, actor=_user(request), request=request))


@login_required
@require_GET
def due_today(request: HttpRequest) -> HttpResponse:
    """The store's "Due today" list as a fragment: any page (the store home) can place it."""
    return render(request, "directives/partials/due_today.html",
                  {"due": selectors.due_today(request.user), "topics": TOPICS})


def _file(handle: Any, content_type: str, name: str) -> FileResponse:
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def answer_photo(request: HttpRequest, key: str) -> FileResponse:
    """Evidence photos are only ever served here, after the scope check; never from a public URL."""
    answer = selectors.answer_photo_get(request.user, key)
    try:
        return _file(answer.photo.open("rb"), "image/jpeg", f"{answer.photo_key.hex}.jpg")
    except OSError:
        raise Http404(gettext("The photo file is missing.")) from None


@login_required
@require_GET
def attachment(request: HttpRequest, pk: str) -> FileResponse:
    found = selectors.attachment_get(request.user, pk)
    try:
        return _file(found.file.open("rb"), found.content_type, found.name.replace('"', ""))
    except OSError:
        raise Http404(gettext("The attachment file is missing.")) from None
