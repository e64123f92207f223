"""A request's lines as the detail page shows them, read from Odoo on demand (the mirror keeps
headers only): columns labelled with Odoo's own field strings (`fields_get`, cached), money with
the document's currency, quantities grouped, no column that repeats another, a stock count as a
sentence ("counted 37 of 40 on hand (-3, printed with a real minus sign)")."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from apps.approvals.formatting import money_text, number_text, stock_count_text
from apps.approvals.models import ApprovalRequest
from apps.odoo_gateway import OdooError, OdooGateway, get_gateway

# (line model, link field, fields, domain). An invoice or refund also holds tax, payment-term,
# section and note lines: approvers see what was sold or refunded, the product lines only.
LINES: dict[str, tuple[str, str, list[str], list[Any]]] = {
    "purchase.order": ("purchase.order.line", "order_id",
                       ["name", "product_id", "product_qty", "price_unit", "price_subtotal"], []),
    "account.move": ("account.move.line", "move_id", ["name", "product_id", "quantity", "price_unit",
                                                      "price_subtotal"], [["display_type", "=", "product"]]),
    "hr.expense.sheet": ("hr.expense", "sheet_id", ["name", "product_id", "quantity", "total_amount", "date"], []),
}
LABELS_CACHE_SECONDS = 6 * 3600  # field labels change with an Odoo upgrade or a new language, not daily
MONEY_FIELDS = {"price_unit", "price_subtotal", "price_total", "total_amount", "amount", "amount_total"}
NUMBER_TYPES = {"float", "integer", "monetary"}


@dataclass
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class LineTable:
    columns: list[Column] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    error: str = ""

    @property
    def numeric_indexes(self) -> set[int]:
        return {index for index, column in enumerate(self.columns) if column.numeric}


def request_lines(request: ApprovalRequest, *, gateway: OdooGateway | None = None) -> tuple[list[dict[str, Any]],
                                                                                          str]:
    """The document's raw lines (many2one values as their names). Returns (lines, error): Odoo being
    down shows a message instead of failing the page."""
    spec = _spec(request)
    if spec is None:
        return [], ""
    model, link, fields, domain = spec
    try:
        rows = (gateway or get_gateway()).search_read(model, [[link, "=", request.odoo_id], *domain], fields,
                                                      limit=200)
    except OdooError as exc:
        return [], f"Odoo could not be reached for the lines ({type(exc).__name__})."
    return [{key: _name(value) for key, value in row.items() if key != "id"} for row in rows], ""


def line_table(request: ApprovalRequest, *, gateway: OdooGateway | None = None) -> LineTable:
    """The lines ready to show: labelled, formatted, without repeated columns."""
    if request.odoo_model == "stock.quant":
        values = request.mirror.values
        return LineTable(columns=[Column("product_id", "Product"), Column("location_id", "Location"),
                                  Column("count", "Count")],
                         rows=[[str(_name(values.get("product_id"))), str(_name(values.get("location_id"))),
                                stock_count_text(values)]])
    spec = _spec(request)
    if spec is None:
        return LineTable()
    lines, error = request_lines(request, gateway=gateway)
    if error or not lines:
        return LineTable(error=error)
    model, _, fields, _ = spec
    labels = field_labels(model, fields, gateway=gateway)
    columns, seen = [], []
    for key in fields:
        values = [line.get(key) for line in lines]
        if values in seen or all(value in ("", None) for value in values):
            continue  # the same as a column already shown (a description that is the product), or empty
        seen.append(values)
        label, kind = labels.get(key, (_fallback_label(key), ""))
        columns.append(Column(key, label, numeric=kind in NUMBER_TYPES or key in MONEY_FIELDS))
    labels_by_key = {column.key: labels.get(column.key, ("", ""))[1] for column in columns}
    rows = [[_cell(line.get(column.key), column.key, labels_by_key[column.key], request.currency)
             for column in columns] for line in lines]
    return LineTable(columns=columns, rows=rows)


def field_labels(model: str, fields: list[str], *, gateway: OdooGateway | None = None) -> dict[str, tuple[str, str]]:
    """Odoo's label and type per field, cached; readable fallbacks (never "Product_id") when Odoo
    cannot be asked."""
    key = "approvals:fields:" + hashlib.sha256(f"{model}:{','.join(sorted(fields))}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return {name: (label, kind) for name, (label, kind) in cached.items()}
    try:
        labels = (gateway or get_gateway()).field_labels(model, fields)
    except OdooError:
        return {}
    cache.set(key, labels, LABELS_CACHE_SECONDS)
    return labels


def _spec(request: ApprovalRequest) -> tuple[str, str, list[str], list[Any]] | None:
    settings = request.feed.settings or {}
    if settings.get("lines_model"):
        return (settings["lines_model"], settings.get("lines_field", ""), list(settings.get("lines_fields", [])),
                list(settings.get("lines_domain", [])))
    return LINES.get(request.odoo_model)


def _cell(value: Any, key: str, kind: str, currency: str) -> str:
    if kind == "monetary" or key in MONEY_FIELDS:
        return money_text(value, currency)
    if kind in NUMBER_TYPES:
        return number_text(value)
    if kind == "boolean" or isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value in (None, False) else str(value)


def _fallback_label(key: str) -> str:
    return key.removesuffix("_id").removesuffix("_ids").replace("_", " ").capitalize()


def _name(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 2:
        return value[1]
    return "" if value is False else value
