"""The built-in feeds for Odoo Community 17 to 19. They are rows like any configured feed, created or
refreshed by `feeds_ensure` so operations can tune them in the admin.

A definition that differs on Odoo 19 carries its changes under `odoo_19`: expenses are approved one
by one there (`hr.expense`; `hr.expense.sheet` is gone). `odoo_setup` reads the server's version and
brings every built-in feed to the definition for it (`feeds_ensure(major=...)`); the row records which
it holds in `odoo_series`, shown in the admin."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.directives.conf import PROJECT as DIRECTIVE_PROJECT
from apps.incidents.conf import TASK_PROJECT as INCIDENT_PROJECT
from apps.integration.conf import STORE_FIELD  # the field odoo_setup adds where Odoo has no warehouse link
from apps.portal.phrases import Phrase, Text, phrase
from apps.sync.domain import validate_domain
from apps.sync.feed_history import BEFORE_VERSIONS
from apps.sync.mirror import mirror_close_open
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
        "version": 4, "slug": "expense-reports", "name": "Expense reports to approve", "kind": FeedKind.APPROVAL,
        "odoo_model": "hr.expense.sheet", "base_domain": [],
        "domain": [["state", "=", "submit"]],
        "fields": ["name", "state", "employee_id", "total_amount", "currency_id", "user_id", "create_uid",
                   STORE_FIELD],
        "store_field": STORE_FIELD,
        "settings": {"approve": "action_approve_expense_sheets", "reject": "refuse_wizard",
                     "refuse_wizard_field": "sheet_ids",
                     "done_states": ["approve", "post", "done"], "rejected_states": ["cancel"],
                     "amount_field": "total_amount", "reference_field": "name",
                     # `user_id` is the report's manager (its approver); the requester is the employee.
                     "requester_fields": [], "requester_links": {"employee_id": ["hr.employee", "user_id"]}},
        # Odoo 19: no expense reports; each expense is submitted and approved (or refused) by itself.
        "odoo_19": {
            "name": "Expenses to approve", "odoo_model": "hr.expense", "domain": [["state", "=", "submitted"]],
            "fields": ["name", "state", "employee_id", "total_amount", "currency_id", "manager_id", "create_uid",
                       STORE_FIELD],
            "settings": {"approve": "action_approve", "reject": "refuse_wizard", "refuse_wizard_field": "expense_ids",
                         "done_states": ["approved", "posted", "in_payment", "paid"], "rejected_states": ["refused"],
                         "amount_field": "total_amount", "reference_field": "name",
                         # `manager_id` approves; the requester is the employee.
                         "requester_fields": [], "requester_links": {"employee_id": ["hr.employee", "user_id"]}},
        },
    },
    {
        "version": 2, "slug": "maintenance-requests", "name": "Maintenance incidents", "kind": FeedKind.INCIDENT,
        "odoo_model": "maintenance.request", "base_domain": [],
        "domain": [["archive", "=", False], ["close_date", "=", False]],
        "fields": ["name", "stage_id", "priority", "user_id", "maintenance_team_id", "request_date", "close_date",
                   "archive", STORE_FIELD],
        "store_field": STORE_FIELD,
    },
    # The incidents project's tasks, tagged with a store or not: one nobody tagged reaches Unassigned
    # (as refunds, expenses and maintenance requests do) instead of never coming in. Other projects'
    # tasks are no incidents, whatever store they carry.
    {
        "version": 3, "slug": "incident-tasks", "name": "Incident tasks", "kind": FeedKind.INCIDENT,
        "odoo_model": "project.task", "base_domain": [["project_id.name", "=", INCIDENT_PROJECT]],
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
    # Supplier bill mismatches (three-way match): order lines with something billed; the rules compare
    # the order, the receipt and the bills (apps.operations.bill_rules), the store is the order's.
    {
        "version": 1, "slug": "bill-mismatches", "name": "Billed order lines (mismatches are exceptions)",
        "kind": FeedKind.EXCEPTION, "odoo_model": "purchase.order.line",
        "base_domain": [["state", "in", ["purchase", "done"]]],
        "domain": [["qty_invoiced", ">", 0.001]],
        "fields": ["name", "order_id", "product_id", "partner_id", "product_qty", "price_unit", "qty_received",
                   "qty_invoiced", "qty_to_invoice", "currency_id"],
        "settings": {"exception_kind": "bill_mismatch"},
    },
    {
        "version": 2, "slug": "store-activities", "name": "Activities on store documents (overdue ones are exceptions)",
        "kind": FeedKind.EXCEPTION, "odoo_model": "mail.activity",
        "base_domain": [["res_model", "in", ["purchase.order", "stock.picking", "account.move", "hr.expense.sheet",
                                             "maintenance.request", "project.task"]]],
        "domain": [],
        "fields": ["res_model", "res_id", "res_name", "summary", "activity_type_id", "date_deadline", "user_id"],
        "settings": {"exception_kind": "overdue_activity"},
        "odoo_19": {"base_domain": [["res_model", "in", ["purchase.order", "stock.picking", "account.move",
                                                         "hr.expense", "maintenance.request", "project.task"]]]},
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


SERIES_BEFORE_19, SERIES_19 = "16-18", "19+"


def odoo_series(major: int) -> str:
    return SERIES_19 if major >= 19 else SERIES_BEFORE_19


def builtin_definition(definition: dict[str, Any], series: str) -> dict[str, Any]:
    """The definition for one Odoo series: the base, with its `odoo_19` changes from 19 on."""
    base = {key: value for key, value in definition.items() if key != "odoo_19"}
    return {**base, **definition.get("odoo_19", {})} if series == SERIES_19 else base


@transaction.atomic
def feeds_ensure(major: int | None = None) -> list[str]:
    """Create missing built-in feeds and bring older built-in rows up to their definition's version,
    field by field, keeping what operations tuned. With the server's `major` version (odoo_setup),
    also switch each built-in feed to that version's definition. Returns what changed, in words."""
    report = []
    existing = {feed.slug: feed for feed in Feed.objects.select_for_update().filter(
        slug__in=[d["slug"] for d in BUILTIN_FEEDS])}
    for definition in BUILTIN_FEEDS:
        feed = existing.get(definition["slug"])
        held = (feed.odoo_series if feed is not None else "") or SERIES_BEFORE_19
        series = odoo_series(major) if major is not None else held
        chosen = builtin_definition(definition, series)
        validate_domain(chosen["domain"], ["write_date", *chosen["fields"]])
        values, version = _definition(chosen), chosen["version"]
        if feed is None:
            Feed.objects.create(slug=definition["slug"], builtin_version=version, odoo_series=series, **values)
            continue
        if series != held:
            line = _switch_series(feed, _definition(builtin_definition(definition, held)), values, series)
            report += [line] if line else []
        elif feed.odoo_series != series:
            feed.odoo_series = series
            feed.save(update_fields=["odoo_series"])
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


def _switch_series(feed: Feed, before: dict[str, Any], after: dict[str, Any], series: str) -> str:
    """Bring a feed to another Odoo series' definition: what the version changes is replaced (even when
    tuned: a tuned domain of a model that is gone means nothing), the rest is kept. A new model starts
    from an empty cursor, and the open records of the old one close."""
    changed = [key for key, value in after.items() if before.get(key) != value]
    for key in changed:
        setattr(feed, key, after[key])
    feed.tuned_fields = [key for key in feed.tuned_fields if key not in changed]
    feed.odoo_series = series  # an older definition version is upgraded after, as in any series
    closed = 0
    if "odoo_model" in changed:
        feed.cursor_write_date, feed.cursor_id, feed.last_poll_started_at = None, 0, None
        feed.save()
        closed = mirror_close_open(feed)
    else:
        feed.save()
    if not changed:
        return ""  # the same definition on both: only the label moves
    line = f"feed {feed.slug} now follows Odoo {series}: {', '.join(changed)} changed"
    return line + (f"; {closed} open records of the old model closed" if closed else "")


def feed_error_text(feed: Feed, exc: Exception) -> Text:
    """A sync error in words an operator can act on: a stock Odoo lacks the store field until
    `odoo_setup` adds it, and Odoo's own message ("Invalid field ...") does not say that. Odoo's
    message stays as Odoo wrote it; the portal's hint is a phrase, read in each reader's language."""
    text = f"{type(exc).__name__}: {exc}"
    said = getattr(exc, "said", None)  # the portal's own refusals (a stalled page, a lost lease)
    if isinstance(said, Phrase):
        return phrase("%(error)s: %(said)s", error=type(exc).__name__, said=said)
    if "Invalid field" in str(exc) and STORE_FIELD in str(exc):
        return phrase("Odoo has no field %(field)s on %(model)s (a stock Odoo does not): run %(command)s to add "
                      "it. %(error)s", field=STORE_FIELD, model=feed.odoo_model,
                      command="`python manage.py odoo_setup`", error=text)
    return text
