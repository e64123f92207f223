"""The store app's count pages (`/store/counts/…`): thin, each through the scope choke point."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.adjustments import selectors
from apps.adjustments.forms import CountForm
from apps.adjustments.services import count_report_submit, stock_search
from apps.odoo_gateway import OdooError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.organisation.models import Store


def _stores(request: HttpRequest) -> QuerySet[Store]:
    stores = selectors.report_stores(request.user)
    if not stores.exists():
        raise PermissionDenied(_("Reporting stock counts is for people who act for a store."))
    return stores


@login_required
@require_http_methods(["GET", "POST"])
def count_new(request: HttpRequest) -> HttpResponse:
    stores, reasons = _stores(request), selectors.reasons_offered()
    if request.method != "POST":
        form = CountForm(stores=stores, reasons=reasons)
        return render(request, "adjustments/new.html", {"form": form, "recent": selectors.recent_reports(request.user)})
    form = CountForm(request.POST, request.FILES, stores=stores, reasons=reasons)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = count_report_submit(user=request.user, store=data["store"], quant_id=data["quant"],  # type: ignore[arg-type]
                                         counted=data["counted"], reason=data["reason"], note=data["note"],
                                         photo=data["photo"], request=request, client_key=data["client_key"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(report)
    return render(request, "adjustments/new.html", {"form": form, "recent": selectors.recent_reports(request.user)},
                  status=400)


@login_required
@require_GET
def product_search(request: HttpRequest) -> HttpResponse:
    """The store's stock matching the words or barcode typed (a fragment of the form)."""
    stores = _stores(request)
    store_id = request.GET.get("store", "")
    store = stores.filter(pk=store_id).first() if store_id.isdigit() else None
    if store is None:
        return render(request, "adjustments/new.html#results", {"error": _("Choose one of your stores.")}, status=400)
    try:
        lines = stock_search(store=store, query=request.GET.get("q", ""))
    except ValidationError as exc:
        return render(request, "adjustments/new.html#results", {"error": exc.messages[0]}, status=400)
    except OdooError:
        return render(request, "adjustments/new.html#results",
                      {"error": _("Odoo cannot be reached just now; try again in a moment.")}, status=503)
    return render(request, "adjustments/new.html#results", {"lines": lines, "searched": True})


@login_required
@require_GET
def count_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(request.user, pk)
    return render(request, "adjustments/detail.html", {"report": report,
                                                        "approval": selectors.approval_for_report(report)})


@login_required
@require_GET
def count_photo(request: HttpRequest, pk: int) -> FileResponse:
    report = selectors.report_get(request.user, pk)
    if not report.photo:
        raise Http404(_("This count has no photo."))
    response = FileResponse(report.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
