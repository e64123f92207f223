"""What the built-in feeds were before definitions had versions, field by field, for the fields a
versioned definition has changed since. A row created then (`builtin_version = 0`) whose value still
equals this was never tuned, so an upgrade may replace it; any other value is operations' and is kept."""

from __future__ import annotations

from typing import Any

BEFORE_VERSIONS: dict[str, dict[str, Any]] = {
    "purchase-orders": {
        "fields": [
            "name",
            "state",
            "partner_id",
            "amount_total",
            "currency_id",
            "user_id",
            "date_order",
            "date_planned",
            "picking_type_id",
        ],
        "settings": {
            "approve": "button_approve",
            "reject": "button_cancel",
            "done_states": ["purchase", "done"],
            "rejected_states": ["cancel"],
            "amount_field": "amount_total",
            "requester_field": "user_id",
            "reference_field": "name",
        },
    },
    "stock-counts": {
        "fields": [
            "product_id",
            "location_id",
            "warehouse_id",
            "quantity",
            "inventory_quantity",
            "inventory_diff_quantity",
            "inventory_quantity_set",
            "inventory_date",
            "user_id",
        ],
        "settings": {
            "approve": "action_apply_inventory",
            "reject": "action_clear_inventory_quantity",
            "context": {"inventory_mode": True},
            "amount_field": "inventory_diff_quantity",
            "requester_field": "user_id",
            "reference_field": "product_id",
        },
    },
    "customer-refunds": {
        "fields": [
            "name",
            "state",
            "partner_id",
            "amount_total",
            "currency_id",
            "invoice_user_id",
            "invoice_date",
            "ref",
            "x_store_warehouse_id",
        ],
        "settings": {
            "approve": "action_post",
            "reject": "button_cancel",
            "done_states": ["posted"],
            "rejected_states": ["cancel"],
            "amount_field": "amount_total",
            "requester_field": "invoice_user_id",
            "reference_field": "name",
        },
    },
    "expense-reports": {
        "fields": ["name", "state", "employee_id", "total_amount", "currency_id", "user_id", "x_store_warehouse_id"],
        "settings": {
            "approve": "action_approve_expense_sheets",
            "reject": "refuse_wizard",
            "done_states": ["approve", "post", "done"],
            "rejected_states": ["cancel"],
            "amount_field": "total_amount",
            "requester_field": "user_id",
            "reference_field": "name",
        },
    },
}
