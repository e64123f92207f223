"""Reporting a count from the store floor.

The count is checked against the store's own stock in Odoo (the quant must be an internal quant of the
store's warehouse), valued at the product's cost, and saved with its intent to set the count in Odoo
(`stock.quant.inventory_quantity` in inventory mode, an outbox row in the same transaction, so Odoo
gets it exactly once). From there the count is Odoo's pending count: the stock-counts feed brings it
back as an approval request, judged by the approval policy on the value of the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.adjustments.models import AdjustmentReason, ReportStatus, StockCountReport
from apps.audit.services import audit_record
from apps.incidents.photos import photo_clean
from apps.odoo_gateway import OdooError, OdooGateway, get_gateway, m2o_id, m2o_name
from apps.organisation.roles import Action
from apps.organisation.scope import can
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from apps.organisation.models import Store

COUNT_SET_WRITEBACK = "adjustments.count_set"
QUANT = "stock.quant"
QUANT_FIELDS = ["product_id", "location_id", "warehouse_id", "quantity"]
MAX_COUNT = Decimal("1000000")
MAX_NOTE = 500
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class StockLine:
    """One product of the store's stock, as the search shows it."""

    quant_id: int
    product_id: int
    product: str
    location: str
    on_hand: Decimal


def _store_domain(store: Store) -> list[Any]:
    if not store.odoo_warehouse_id:
        raise ValidationError(_("Store %(code)s is not mapped to an Odoo warehouse yet.") % {"code": store.code})
    return [["warehouse_id", "=", store.odoo_warehouse_id], ["location_id.usage", "=", "internal"]]


def _line(row: dict[str, Any]) -> StockLine:
    return StockLine(quant_id=int(row["id"]), product_id=m2o_id(row.get("product_id")) or 0,
                     product=m2o_name(row.get("product_id")) or "?", location=m2o_name(row.get("location_id")) or "",
                     on_hand=Decimal(str(row.get("quantity") or 0)))


def stock_search(*, store: Store, query: str, gateway: OdooGateway | None = None) -> list[StockLine]:
    """The store's stock whose product name contains `query` or whose barcode or reference is it,
    read from Odoo (what is on hand now, not a copy)."""
    query = query.strip()
    if len(query) < 2:
        raise ValidationError(_("Type at least two letters of the product, or scan its barcode."))
    domain = [*_store_domain(store), "|", "|", ["product_id.name", "ilike", query],
              ["product_id.barcode", "=", query], ["product_id.default_code", "=ilike", query]]
    rows = (gateway or get_gateway()).search_read(QUANT, domain, QUANT_FIELDS, limit=SEARCH_LIMIT,
                                                  order="id asc")
    return [_line(row) for row in rows]


def _quantity(text: str) -> Decimal:
    try:
        counted = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Give the counted quantity as a number."), code="counted") from None
    if not counted.is_finite() or counted < 0 or counted > MAX_COUNT:
        raise ValidationError(_("The counted quantity must be between 0 and 1,000,000."), code="counted")
    if counted != counted.quantize(Decimal("0.001")):
        raise ValidationError(_("Count to three decimals at most."), code="counted")
    return counted


def count_report_submit(*, user: User, store: Store, quant_id: int, counted: str, reason: AdjustmentReason,
                        note: str = "", photo: UploadedFile | None = None, request: HttpRequest | None = None,
                        gateway: OdooGateway | None = None, client_key: str = "") -> StockCountReport:
    """Check the count against Odoo and save it with its write-back; ValidationError says what is wrong.
    A second send of the same form (`client_key`) answers the report the first one made."""
    if not can(user, Action.OPERATE, store):
        raise PermissionDenied(_("Reporting counts needs the right to act for store %(code)s.") % {"code": store.code})
    if client_key:
        sent = StockCountReport.objects.filter(store=store, reported_by=user, client_key=client_key).first()
        if sent is not None:
            return sent
    quantity = _quantity(counted)
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(_("The note is limited to %(max)s characters.") % {"max": MAX_NOTE})
    if not reason.active:
        raise ValidationError(_("Choose one of the reasons offered."))
    clean = photo_clean(photo) if photo is not None else None
    gateway = gateway or get_gateway()
    try:
        rows = gateway.search_read(QUANT, [["id", "=", quant_id], *_store_domain(store)], QUANT_FIELDS, limit=1)
        line = _line(rows[0]) if rows else None
        cost_rows = gateway.read("product.product", [line.product_id], ["standard_price"]) if line else []
    except OdooError as exc:
        raise ValidationError(_("Odoo cannot be reached just now; try again in a moment.")) from exc
    if line is None:
        raise ValidationError(_("That product is not in this store's stock."))
    unit_cost = Decimal(str((cost_rows[0] if cost_rows else {}).get("standard_price") or 0))
    value = (abs(quantity - line.on_hand) * unit_cost).quantize(Decimal("0.01"))
    try:
        with transaction.atomic():
            report = StockCountReport.objects.create(
                store=store, reported_by=user, quant_odoo_id=line.quant_id, product_odoo_id=line.product_id,
                product_name=line.product[:200], location_name=line.location[:200], on_hand=line.on_hand,
                counted=quantity, unit_cost=unit_cost, value=value, reason=reason, note=note, client_key=client_key)
            if clean is not None:
                report.photo.save("count.jpg", ContentFile(clean.content), save=True)
            report.writeback = writeback_enqueue(
                kind=COUNT_SET_WRITEBACK, idempotency_key=f"stock-count-report-{report.pk}", odoo_model=QUANT,
                odoo_id=line.quant_id, payload={"inventory_quantity": float(quantity), "report_id": report.pk},
                store=store, source=report, created_by=user)
            report.save(update_fields=["writeback"])
            audit_record(action="stock_count.reported", target=report, actor=user, store=store, request=request,
                         after={"product": report.product_name, "on_hand": str(line.on_hand), "counted": str(quantity),
                                "reason": reason.code, "value": str(value), "photo": bool(clean)})
    except IntegrityError:  # the same form sent twice at once: the other send made the report
        sent = StockCountReport.objects.filter(store=store, reported_by=user, client_key=client_key).first()
        if not client_key or sent is None:
            raise
        return sent
    return report


def report_outcome_record(report_id: int, *, applied: bool, error: str = "",
                          error_wording: dict[str, Any] | None = None) -> None:
    """What Odoo did with the count (called in the outbox's final transaction)."""
    StockCountReport.objects.filter(pk=report_id).update(
        status=ReportStatus.IN_ODOO if applied else ReportStatus.FAILED, error=error[:300],
        error_wording=error_wording or {})
