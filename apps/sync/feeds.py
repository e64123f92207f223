"""The built-in feeds for Odoo Community 17 to 19. They are rows like any configured feed, created or
refreshed by `feeds_ensure` so operations can tune them in the admin."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.directives.conf import PROJECT as DIRECTIVE_PROJECT
from apps.integration.conf import STORE_FIELD  # the field odoo_setup adds where Odoo has no warehouse link
from apps.sync.domain import validate_domain
from apps.sync.feed_history import BEFORE_VERSIONS
from apps.sync.models import Feed, FeedKind

BUILTIN_FEEDS: list[dict[str, Any]] = [
    {
        "version": 3, "slug": "purchase-orders", "name": "Purchase orders to approve", "kind": FeedKind.APPROVAL,
        "odoo_model": "purchase.order", "base_domain": [],
        "domain": [["state", "=", "to approve"]],
        "fields": ["name", "state", "partner_id", "amount_total", "currency_id", "user_id", "date_order",
                   "date_planned", "picking_type_id", "create_uid"],
        "store_field": "picking_type_id", "store_via_model": "stock.picking.type", "store_via_field": "warehouse_id",
        "settings": {"approve": "button_approve", "reject": "button_cancel", "done_states": ["purchase", "done"],
                     "rejected_states": ["cancel"], "amount_field": "amount_total", "requester_fields": ["user_id"],
                     "reference_field": "name"},
    },
    {
        "version": 3, "slug": "stock-counts", "name": "Stock counts to apply", "kind": FeedKind.APPROVAL,
        "odoo_model": "stock.quant", "base_domain": [["location_id.usage", "=", "internal"]],
        "domain": [["inventory_quantity_set", "=", True]],
        "fields": ["product_id", "location_id", "warehouse_id", "quantity", "inventory_quantity",
                   "inventory_diff_quantity", "inventory_quantity_set", "inventory_date", "user_id", "write_uid"],
        "store_field": "warehouse_id",
        # A quant's creator is whoever first moved the stock: the count's requesters are the person it is
        # assigned to and the one who wrote the count.
        "settings": {"approve": "action_apply_inventory", "reject": "action_clear_inventory_quantity",
                     "context": {"inventory_mode": True}, "amount_field": "inventory_diff_quantity",
                     "requester_creator": False, "requester_fields": ["user_id", "write_uid"],
                     "reference_field": "product_id"},
    },
    {
        "version": 3, "slug": "customer-refunds", "name": "Customer refunds to post", "kind": FeedKind.APPROVAL,
        "odoo_model": "account.move", "base_domain": [["move_type", "=", "out_refund"]],
        "domain": [["state", "=", "draft"]],
        "fields": ["name", "state", "partner_id", "amount_total", "currency_id", "invoice_user_id", "invoice_date",
                   "ref", "create_uid", STORE_FIELD],
        "store_field": STORE_FIELD,
        "settings": {"approve": "action_post", "reject": "button_cancel", "done_states": ["posted"],
                     "rejected_states": ["cancel"], "amount_field": "amount_total",
                     "requester_fields": ["invoice_user_id"], "reference_field": "name"},
    },
    {
        "version": 3, "slug": "expense-reports", "name": "Expense reports to approve", "kind": FeedKind.APPROVAL,
        "odoo_model": "hr.expense.sheet", "base_domain": [],
        "domain": [["state", "=", "submit"]],
        "fields": ["name", "state", "employee_id", "total_amount", "currency_id", "user_id", "create_uid",
                   STORE_FIELD],
        "store_field": STORE_FIELD,
        "settings": {"approve": "action_approve_expense_sheets", "reject": "refuse_wizard",
                     "done_states": ["approve", "post", "done"], "rejected_states": ["cancel"],
                     "amount_field": "total_amount", "reference_field": "name",
                     # `user_id` is the report's manager (its approver); the requester is the employee.
                     "requester_fields": [], "requester_links": {"employee_id": ["hr.employee", "user_id"]}},
    },
    {
        "version": 2, "slug": "maintenance-requests", "name": "Maintenance incidents", "kind": FeedKind.INCIDENT,
        "odoo_model": "maintenance.request", "base_domain": [],
        "domain": [["archive", "=", False], ["close_date", "=", False]],
        "fields": ["name", "stage_id", "priority", "user_id", "maintenance_team_id", "request_date", "close_date",
                   "archive", STORE_FIELD],
        "store_field": STORE_FIELD,
    },
    {
        "version": 2, "slug": "incident-tasks", "name": "Incident tasks", "kind": FeedKind.INCIDENT,
        "odoo_model": "project.task", "base_domain": [[STORE_FIELD, "!=", False]],
        "domain": [["state", "not in", ["1_done", "1_canceled"]]],
        "fields": ["name", "stage_id", "state", "priority", "user_ids", "project_id", "date_deadline", STORE_FIELD],
        "store_field": STORE_FIELD,
    },
    # Store directives (apps.directives): the store tasks of the directives project, so a task closed,
    # reopened or cancelled in Odoo comes back to the store's copy. Subtasks carry no store field.
    {
        "version": 1, "slug": "directive-tasks", "name": "Store directive tasks", "kind": FeedKind.DIRECTIVE,
        "odoo_model": "project.task",
        "base_domain": [["project_id.name", "=", DIRECTIVE_PROJECT], ["parent_id", "=", False]],
        "domain": [["state", "not in", ["1_done", "1_canceled"]]],
        "fields": ["name", "state", "date_deadline", "project_id", STORE_FIELD],
        "store_field": STORE_FIELD,
    },
    # Operational exceptions (apps.operations): `settings.exception_kind` picks the rules. Conditions
    # that depend on the clock (late, overdue) and thresholds are decided by those rules, not here.
    # Comparisons use ±0.001 rather than 0: the local domain evaluator treats a 0 target as False.
    {
        "version": 2, "slug": "stock-discrepancies", "name": "Stock count discrepancies", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.quant", "base_domain": [["location_id.usage", "=", "internal"]],
        "domain": [["inventory_quantity_set", "=", True]],
        "fields": ["product_id", "location_id", "warehouse_id", "quantity", "inventory_quantity",
                   "inventory_diff_quantity", "inventory_quantity_set", "inventory_date"],
        "store_field": "warehouse_id", "settings": {"exception_kind": "count_discrepancy"},
    },
    {
        "version": 2, "slug": "negative-stock", "name": "Negative stock", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.quant", "base_domain": [["location_id.usage", "=", "internal"]],
        "domain": [["quantity", "<", -0.001]],
        "fields": ["product_id", "location_id", "warehouse_id", "quantity"],
        "store_field": "warehouse_id", "settings": {"exception_kind": "negative_stock"},
    },
    {
        "version": 2, "slug": "replenishment-risks", "name": "Replenishment risks", "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.warehouse.orderpoint", "base_domain": [],
        "domain": [["qty_to_order", ">", 0.001]],
        "fields": ["product_id", "warehouse_id", "location_id", "product_min_qty", "product_max_qty", "qty_forecast",
                   "qty_to_order", "snoozed_until"],
        "store_field": "warehouse_id", "settings": {"exception_kind": "replenishment_risk"},
    },
    {
        "version": 2, "slug": "late-receipts", "name": "Receipts not done (late ones are exceptions)",
        "kind": FeedKind.EXCEPTION,
        "odoo_model": "stock.picking", "base_domain": [["picking_type_code", "=", "incoming"]],
        "domain": [["state", "not in", ["done", "cancel"]]],
        "fields": ["name", "origin", "partner_id", "picking_type_id", "scheduled_date", "state"],
        "store_field": "picking_type_id", "store_via_model": "stock.picking.type", "store_via_field": "warehouse_id",
        "settings": {"exception_kind": "late_receipt"},
    },
    {
        "version": 2, "slug": "store-activities", "name": "Activities on store documents (overdue ones are exceptions)",
        "kind": FeedKind.EXCEPTION, "odoo_model": "mail.activity",
        "base_domain": [["res_model", "in", ["purchase.order", "stock.picking", "account.move", "hr.expense.sheet",
                                             "maintenance.request", "project.task"]]],
        "domain": [],
        "fields": ["res_model", "res_id", "res_name", "summary", "activity_type_id", "date_deadline", "user_id"],
        "settings": {"exception_kind": "overdue_activity"},
    },
]


DEFINITION_FIELDS = ("name", "kind", "odoo_model", "base_domain", "domain", "fields", "store_field", "store_via_model",
                     "store_via_field", "settings")


def _definition(definition: dict[str, Any]) -> dict[str, Any]:
    """The row values a definition sets; a store link it leaves out is empty, not the row's old one."""
    return {key: definition.get(key, "") for key in DEFINITION_FIELDS if key in definition or key.startswith("store_")}


def _kept(feed: Feed, key: str, definition: dict[str, Any]) -> bool:
    """Whether operations' value wins over the new definition's: recorded as tuned in the admin, or
    (for a row older than versioned definitions) different from what the previous version defined."""
    if key in feed.tuned_fields:
        return True
    if feed.builtin_version == 0:
        previous = definition.get("previous", BEFORE_VERSIONS.get(feed.slug, {}))
        return key not in previous or getattr(feed, key) != previous[key]
    return False


@transaction.atomic
def feeds_ensure() -> list[str]:
    """Create missing built-in feeds and bring older built-in rows up to their definition's version,
    field by field, keeping what operations tuned. Returns what changed, in words."""
    report = []
    existing = {feed.slug: feed for feed in Feed.objects.select_for_update().filter(
        slug__in=[d["slug"] for d in BUILTIN_FEEDS])}
    for definition in BUILTIN_FEEDS:
        validate_domain(definition["domain"], ["write_date", *definition["fields"]])
        values, version = _definition(definition), definition["version"]
        feed = existing.get(definition["slug"])
        if feed is None:
            Feed.objects.create(slug=definition["slug"], builtin_version=version, **values)
            continue
        if feed.builtin_version >= version:
            continue
        changed = [key for key, value in values.items() if getattr(feed, key) != value]
        kept = [key for key in changed if _kept(feed, key, definition)]
        for key in changed:
            if key not in kept:
                setattr(feed, key, values[key])
        feed.builtin_version = version
        feed.save()
        line = f"feed {feed.slug} upgraded to definition {version}"
        line += f": updated {', '.join(k for k in changed if k not in kept)}" if len(changed) > len(kept) else ""
        line += f"; kept operations' {', '.join(kept)}" if kept else ""
        report.append(line)
    return report


def feed_error_text(feed: Feed, exc: Exception) -> str:
    """A sync error in words an operator can act on: a stock Odoo lacks the store field until
    `odoo_setup` adds it, and Odoo's own message ("Invalid field ...") does not say that."""
    text = f"{type(exc).__name__}: {exc}"
    if "Invalid field" in str(exc) and STORE_FIELD in str(exc):
        return (f"Odoo has no field {STORE_FIELD} on {feed.odoo_model} (a stock Odoo does not): run "
                f"`python manage.py odoo_setup` to add it. {text}")
    return text
