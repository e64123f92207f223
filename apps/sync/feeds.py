"""The built-in feeds for Odoo Community 17 to 19. They are rows like any configured feed, created or
refreshed by `feeds_ensure` so operations can tune them in the admin."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.sync.domain import validate_domain
from apps.sync.models import Feed, FeedKind

STORE_FIELD = "x_store_warehouse_id"  # the Studio field a retailer adds where Odoo has no warehouse link

BUILTIN_FEEDS: list[dict[str, Any]] = [
    {
        "slug": "purchase-orders", "name": "Purchase orders to approve", "kind": FeedKind.APPROVAL,
        "odoo_model": "purchase.order", "base_domain": [],
        "domain": [["state", "=", "to approve"]],
        "fields": ["name", "state", "partner_id", "amount_total", "currency_id", "user_id", "date_order",
                   "date_planned", "picking_type_id"],
        "store_field": "picking_type_id", "store_via_model": "stock.picking.type", "store_via_field": "warehouse_id",
        "settings": {"approve": "button_approve", "reject": "button_cancel", "done_states": ["purchase", "done"],
                     "rejected_states": ["cancel"], "amount_field": "amount_total", "requester_field": "user_id",
                     "reference_field": "name"},
    },
    {
        "slug": "stock-counts", "name": "Stock counts to apply", "kind": FeedKind.APPROVAL,
        "odoo_model": "stock.quant", "base_domain": [["location_id.usage", "=", "internal"]],
        "domain": [["inventory_quantity_set", "=", True]],
        "fields": ["product_id", "location_id", "warehouse_id", "quantity", "inventory_quantity",
                   "inventory_diff_quantity", "inventory_quantity_set", "inventory_date", "user_id"],
        "store_field": "warehouse_id",
        "settings": {"approve": "action_apply_inventory", "reject": "action_clear_inventory_quantity",
                     "context": {"inventory_mode": True}, "amount_field": "inventory_diff_quantity",
                     "requester_field": "user_id", "reference_field": "product_id"},
    },
    {
        "slug": "customer-refunds", "name": "Customer refunds to post", "kind": FeedKind.APPROVAL,
        "odoo_model": "account.move", "base_domain": [["move_type", "=", "out_refund"]],
        "domain": [["state", "=", "draft"]],
        "fields": ["name", "state", "partner_id", "amount_total", "currency_id", "invoice_user_id", "invoice_date",
                   "ref", STORE_FIELD],
        "store_field": STORE_FIELD,
        "settings": {"approve": "action_post", "reject": "button_cancel", "done_states": ["posted"],
                     "rejected_states": ["cancel"], "amount_field": "amount_total",
                     "requester_field": "invoice_user_id", "reference_field": "name"},
    },
    {
        "slug": "expense-reports", "name": "Expense reports to approve", "kind": FeedKind.APPROVAL,
        "odoo_model": "hr.expense.sheet", "base_domain": [],
        "domain": [["state", "=", "submit"]],
        "fields": ["name", "state", "employee_id", "total_amount", "currency_id", "user_id", STORE_FIELD],
        "store_field": STORE_FIELD,
        "settings": {"approve": "action_approve_expense_sheets", "reject": "refuse_wizard",
                     "done_states": ["approve", "post", "done"], "rejected_states": ["cancel"],
                     "amount_field": "total_amount", "requester_field": "user_id", "reference_field": "name"},
    },
    {
        "slug": "maintenance-requests", "name": "Maintenance incidents", "kind": FeedKind.INCIDENT,
        "odoo_model": "maintenance.request", "base_domain": [],
        "domain": [["archive", "=", False], ["close_date", "=", False]],
        "fields": ["name", "stage_id", "priority", "user_id", "maintenance_team_id", "request_date", "close_date",
                   "archive", STORE_FIELD],
        "store_field": STORE_FIELD,
    },
    {
        "slug": "incident-tasks", "name": "Incident tasks", "kind": FeedKind.INCIDENT,
        "odoo_model": "project.task", "base_domain": [[STORE_FIELD, "!=", False]],
        "domain": [["state", "not in", ["1_done", "1_canceled"]]],
        "fields": ["name", "stage_id", "state", "priority", "user_ids", "project_id", "date_deadline", STORE_FIELD],
        "store_field": STORE_FIELD,
    },
    # Operational exceptions (apps.operations): `settings.exception_kind` picks the rules. Conditions
    # that depend on the clock (late, overdue) and thresholds are decided by those rules, not here.
    # Comparisons use ±0.001 rather than 0: the local domain evaluator treats a 0 target as False.
    {
        "slug": "stock-discrepancies", "name": "Stock count discrepancies", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.quant", "base_domain": [["location_id.usage", "=", "internal"]],
        "domain": [["inventory_quantity_set", "=", True]],
        "fields": ["product_id", "location_id", "warehouse_id", "quantity", "inventory_quantity",
                   "inventory_diff_quantity", "inventory_quantity_set", "inventory_date"],
        "store_field": "warehouse_id", "settings": {"exception_kind": "count_discrepancy"},
    },
    {
        "slug": "negative-stock", "name": "Negative stock", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.quant", "base_domain": [["location_id.usage", "=", "internal"]],
        "domain": [["quantity", "<", -0.001]],
        "fields": ["product_id", "location_id", "warehouse_id", "quantity"],
        "store_field": "warehouse_id", "settings": {"exception_kind": "negative_stock"},
    },
    {
        "slug": "replenishment-risks", "name": "Replenishment risks", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.warehouse.orderpoint", "base_domain": [],
        "domain": [["qty_to_order", ">", 0.001]],
        "fields": ["product_id", "warehouse_id", "location_id", "product_min_qty", "product_max_qty", "qty_forecast",
                   "qty_to_order", "snoozed_until"],
        "store_field": "warehouse_id", "settings": {"exception_kind": "replenishment_risk"},
    },
    {
        "slug": "late-receipts", "name": "Receipts not done (late ones are exceptions)", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.picking", "base_domain": [["picking_type_code", "=", "incoming"]],
        "domain": [["state", "not in", ["done", "cancel"]]],
        "fields": ["name", "origin", "partner_id", "picking_type_id", "scheduled_date", "state"],
        "store_field": "picking_type_id", "store_via_model": "stock.picking.type", "store_via_field": "warehouse_id",
        "settings": {"exception_kind": "late_receipt"},
    },
    {
        "slug": "store-activities", "name": "Activities on store documents (overdue ones are exceptions)",
        "kind": FeedKind.EXCEPTION, "odoo_model": "mail.activity",
        "base_domain": [["res_model", "in", ["purchase.order", "stock.picking", "account.move", "hr.expense.sheet",
                                             "maintenance.request", "project.task"]]],
        "domain": [],
        "fields": ["res_model", "res_id", "res_name", "summary", "activity_type_id", "date_deadline", "user_id"],
        "settings": {"exception_kind": "overdue_activity"},
    },
]


@transaction.atomic
def feeds_ensure() -> list[Feed]:
    """Create missing built-in feeds; never overwrite what operations tuned on an existing one."""
    feeds = []
    for definition in BUILTIN_FEEDS:
        validate_domain(definition["domain"], ["write_date", *definition["fields"]])
        defaults = {key: value for key, value in definition.items() if key != "slug"}
        feed, _ = Feed.objects.get_or_create(slug=definition["slug"], defaults=defaults)
        feeds.append(feed)
    return feeds
