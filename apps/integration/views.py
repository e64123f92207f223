"""The Unassigned queue: open Odoo records whose store could not be resolved (HQ and operations), and
assigning one a store, which writes the store field back to Odoo through the outbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from apps.health.models import HealthSignal
from apps.integration.selectors import assignable, record_label, unassigned_count, unassigned_records
from apps.integration.services import AssignRefused, unassigned_assign
from apps.organisation.models import Store
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope

NOT_NETWORK = "The Unassigned queue is for HQ and operations; your roles cover stores or regions only."


def _can_assign(request: HttpRequest) -> bool:
    return has_network_scope(request.user, Action.DECIDE) or has_network_scope(request.user, Action.ADMINISTER)


@login_required
@require_GET
def unassigned_page(request: HttpRequest) -> HttpResponse:
    if not has_network_scope(request.user, Action.VIEW):
        raise PermissionDenied(NOT_NETWORK)
    records = list(unassigned_records())
    return render(request, "integration/unassigned.html", {
        "rows": [(record, record_label(record), assignable(record)) for record in records], "total": unassigned_count(),
        "stores": Store.objects.filter(active=True, odoo_warehouse_id__isnull=False).order_by("code"),
        "can_assign": _can_assign(request), "readiness": HealthSignal.objects.filter(key="odoo.readiness").first(),
    })


@login_required
@require_POST
def unassigned_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not _can_assign(request):
        raise PermissionDenied(gettext("Assigning stores is for HQ and operations admins."))
    record = get_object_or_404(unassigned_records(limit=None), pk=pk)
    store_id = request.POST.get("store", "")
    store = Store.objects.filter(pk=int(store_id)).first() if store_id.isdigit() else None
    if store is None:
        messages.error(request, gettext("Choose the store this record belongs to."))
        return redirect("integration:unassigned", permanent=False)
    try:
        unassigned_assign(record=record, store=store, actor=request.user, request=request)  # type: ignore[arg-type]
    except AssignRefused as exc:
        messages.error(request, str(exc))
        return redirect("integration:unassigned")
    messages.success(request, gettext("%(model)s #%(id)s is being assigned to %(store)s in Odoo.") % {
        "model": record.feed.odoo_model, "id": record.odoo_id, "store": store})
    return redirect("integration:unassigned")
