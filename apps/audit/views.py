"""The audit trail for HQ and operations: a filterable list and a streaming CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from apps.audit import selectors


class HtmxRequest(HttpRequest):
    """A request seen through django-htmx's middleware."""

    htmx: HtmxDetails




class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: defuse them (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@login_required
@require_GET
def events(request: HtmxRequest) -> HttpResponse:
    filters = selectors.audit_filters_parse(request.GET)
    listing = selectors.audit_page(request.user, filters, request.GET)
    context = {"filters": filters, "listing": listing, "actions": selectors.audit_actions()}
    template = "audit/events.html#events-panel" if request.htmx else "audit/events.html"
    return render(request, template, context)


@login_required
@require_GET
def export(request: HtmxRequest) -> StreamingHttpResponse:
    filters = selectors.audit_filters_parse(request.GET)
    rows = selectors.audit_csv_rows(selectors.audit_export_events(request.user, filters, request.GET.get("q", "")))
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        for row in rows:
            yield writer.writerow([_safe_cell(str(cell)) for cell in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.now():%Y%m%d-%H%M}.csv"'
    return response
