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
