"""What the exception rules need from Odoo beyond the mirrored record: product costs (to value a
discrepancy or a shortfall) and the store of the document an activity sits on.

Both are fetched in batches by the periodic pass, never from inside a sync transaction, and cached in
the portal so a projector never waits for Odoo.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone

from apps.odoo_gateway import OdooGateway, m2o_id, m2o_name, parse_odoo_date
from apps.operations import conf
from apps.operations.models import BillMatch, DocumentStore, ExceptionKind, ProductCost
from apps.operations.projector import DOCUMENT_KINDS, feed_exception_kind, record_documents
from apps.sync.models import Feed, FeedKind, MirrorRecord
from apps.sync.stores import StoreResolver

logger = logging.getLogger(__name__)
VALUED_KINDS = (ExceptionKind.COUNT_DISCREPANCY, ExceptionKind.NEGATIVE_STOCK, ExceptionKind.REPLENISHMENT_RISK)
READ_CHUNK = 500
UNRESOLVED_RETRY = timedelta(hours=1)


def _exception_feeds(*kinds: str) -> list[Feed]:
    return [feed for feed in Feed.objects.filter(kind=FeedKind.EXCEPTION, enabled=True)
            if feed_exception_kind(feed) in kinds]


def product_costs_refresh(*, gateway: OdooGateway) -> int:
    """Fetch `standard_price` for products of open records that have no cost yet, or a stale one."""
    feeds = _exception_feeds(*VALUED_KINDS)
    products: set[int] = set()
    for value in MirrorRecord.objects.filter(feed__in=feeds, closed_at__isnull=True) \
            .values_list("values__product_id", flat=True):
        if product := m2o_id(value):
            products.add(product)
    fresh_after = timezone.now() - timedelta(hours=conf.PRODUCT_COST_MAX_AGE_HOURS)
    known = set(ProductCost.objects.filter(odoo_product_id__in=products, fetched_at__gte=fresh_after)
                .values_list("odoo_product_id", flat=True))
    wanted = sorted(products - known)
    for start in range(0, len(wanted), READ_CHUNK):
        rows = gateway.read("product.product", wanted[start:start + READ_CHUNK], ["standard_price", "display_name"])
        now = timezone.now()
        for row in rows:
            ProductCost.objects.update_or_create(
                odoo_product_id=row["id"],
                defaults={"unit_cost": Decimal(str(row.get("standard_price") or 0)),
                          "name": str(row.get("display_name") or "")[:200], "fetched_at": now})
    return len(wanted)


def document_stores_resolve(*, gateway: OdooGateway) -> int:
    """Find the store of each document an activity points at, through the store link of the feed that
    mirrors that model (e.g. purchase.order → picking type → warehouse). Documents of models no feed
    knows, or without a store, are remembered as storeless and retried hourly."""
    wanted: dict[str, set[int]] = {}
    for kind in DOCUMENT_KINDS:
        records = MirrorRecord.objects.filter(feed__in=_exception_feeds(kind), closed_at__isnull=True)
        for model, ids in record_documents(records, kind).items():
            wanted.setdefault(model, set()).update(ids)
    retry_before = timezone.now() - UNRESOLVED_RETRY
    resolved = 0
    for model, ids in wanted.items():
        done = set(DocumentStore.objects.filter(odoo_model=model, odoo_id__in=ids)
                   .filter(Q(store__isnull=False) | Q(resolved_at__gte=retry_before))
                   .values_list("odoo_id", flat=True))
        todo = sorted(ids - done)
        if not todo:
            continue
        feed = Feed.objects.filter(odoo_model=model).exclude(store_field="").order_by("pk").first()
        stores: dict[int, int | None] = dict.fromkeys(todo)
        if feed is not None:
            resolver = StoreResolver(feed, gateway)
            for start in range(0, len(todo), READ_CHUNK):
                rows = gateway.read(model, todo[start:start + READ_CHUNK], [feed.store_field])
                resolver.prepare(rows)
                for row in rows:
                    stores[row["id"]] = resolver.store_id(row)
        else:
            logger.info("No feed says how %s finds its store; its activities stay storeless", model)
        now = timezone.now()
        for odoo_id, store_id in stores.items():
            DocumentStore.objects.update_or_create(odoo_model=model, odoo_id=odoo_id,
                                                   defaults={"store_id": store_id, "resolved_at": now})
            resolved += store_id is not None
    return resolved


LINE_FIELDS = ["price_unit", "qty_received", "qty_invoiced", "qty_to_invoice", "invoice_lines"]
BILL_LINE_FIELDS = ["move_id", "move_type", "parent_state", "price_unit", "quantity", "invoice_date"]


def bill_matches_refresh(*, gateway: OdooGateway) -> int:
    """Read the billed order lines' quantities and their bills (two reads per 500 lines): received,
    billed and to-bill quantities are computed in Odoo and move without the line's `write_date`."""
    lines = sorted(MirrorRecord.objects.filter(
        feed__in=_exception_feeds(ExceptionKind.BILL_MISMATCH), closed_at__isnull=True)
        .values_list("odoo_id", flat=True))
    for start in range(0, len(lines), READ_CHUNK):
        rows = gateway.read("purchase.order.line", lines[start:start + READ_CHUNK], LINE_FIELDS)
        bill_ids = sorted({bill_line for row in rows for bill_line in row.get("invoice_lines") or []})
        bill_lines = {b["id"]: b for b in gateway.read("account.move.line", bill_ids, BILL_LINE_FIELDS)} \
            if bill_ids else {}
        now = timezone.now()
        for row in rows:
            found = [bill_lines[i] for i in row.get("invoice_lines") or [] if i in bill_lines]
            BillMatch.objects.update_or_create(odoo_line_id=row["id"], defaults={**_bill_figures(found),
                "order_price": _decimal(row.get("price_unit")), "qty_received": _decimal(row.get("qty_received")),
                "qty_invoiced": _decimal(row.get("qty_invoiced")),
                "qty_to_invoice": _decimal(row.get("qty_to_invoice")), "fetched_at": now})
    return len(lines)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _bill_figures(bill_lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The live bills' highest price, quantity, first date and name; the live credit notes' value."""
    live = [b for b in bill_lines if b.get("parent_state") != "cancel"]
    bills = [b for b in live if b.get("move_type") == "in_invoice"]
    credits = [b for b in live if b.get("move_type") == "in_refund"]
    dearest = max(bills, key=lambda b: (_decimal(b.get("price_unit")), -b["id"]), default=None)
    dates = [parse_odoo_date(b["invoice_date"]) for b in bills if b.get("invoice_date")]
    return {
        "bill_price": _decimal(dearest.get("price_unit")) if dearest else Decimal("0"),
        "billed_quantity": sum((_decimal(b.get("quantity")) for b in bills), Decimal("0")),
        "credited_value": sum((_decimal(b.get("quantity")) * _decimal(b.get("price_unit")) for b in credits),
                              Decimal("0")).quantize(Decimal("0.01")),
        "bill_name": (m2o_name(dearest.get("move_id")) or "")[:100] if dearest else "",
        "bill_id": m2o_id(dearest.get("move_id")) if dearest else None,
        "first_bill_date": min(dates) if dates else None,
    }
