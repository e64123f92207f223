"""What the portal needs from an Odoo database, as data: the store link field, the form views that show
it, and the rights of the integration user feature by feature (README "Connect your Odoo")."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

from controltower import env

# The many2one to stock.warehouse the portal adds where Odoo has no warehouse link of its own.
STORE_FIELD = env.text("CT_ODOO_STORE_FIELD", "x_store_warehouse_id")
STORE_FIELD_LABEL = "Store"
# How often the readiness report is re-checked by the worker (a handful of reads).
READINESS_INTERVAL_MINUTES = env.integer("CT_ODOO_READINESS_MINUTES", 60, minimum=1)
# When the integration user's API key expires, for a readiness warning two weeks before. Only needed
# when Odoo does not let that user read its keys (`res.users.apikeys`); when set, it wins.
API_KEY_EXPIRES = env.date("ODOO_API_KEY_EXPIRES")
API_KEY_WARN_DAYS = 14
JSON_RPC_REMOVED = gettext_noop("JSON-RPC is removed in Odoo 20: set an API key")

def warehouses_not_stores() -> frozenset[str]:
    """Odoo warehouses (codes or ids) that are no store: a distribution centre, the company's main
    warehouse. Their records belong to no store's people and are not "unassigned"; readiness does not
    ask to map them. Read when asked, so a command can be given it by its caller's environment."""
    return frozenset(env.csv("CT_ODOO_WAREHOUSES_NOT_STORES", []))


# Where the store field goes on each model's main form: after a field every stock form has. When the
# anchor is missing (a customised form), the field goes at the end of the sheet instead.
FORM_ANCHORS: dict[str, str] = {
    "account.move": "partner_id",
    "hr.expense.sheet": "employee_id",
    "hr.expense": "employee_id",
    "maintenance.request": "maintenance_team_id",
    "project.task": "project_id",
    "helpdesk.ticket": "team_id",
}


@dataclass(frozen=True)
class Right:
    """A feature of the portal and the Odoo groups (any of them) that let the integration user do it."""

    key: str
    feature: str
    groups: tuple[str, ...]
    without: str  # what stops working without it
    models: tuple[str, ...] = ()  # the feature is only checked when one of these models is mirrored


RIGHTS: tuple[Right, ...] = (
    Right("purchase", "Approve purchase orders", ("purchase.group_purchase_manager",),
          "approvals of purchase orders do nothing: Odoo answers and leaves the order waiting",
          ("purchase.order",)),
    Right("stock_counts", "Apply or clear stock counts", ("stock.group_stock_manager",),
          "stock count approvals are refused", ("stock.quant",)),
    Right("refunds", "Post or cancel customer refunds",
          ("account.group_account_invoice", "account.group_account_manager"),
          "refund approvals are refused", ("account.move",)),
    Right("expenses", "Approve or refuse expense reports",
          ("hr_expense.group_hr_expense_team_approver", "hr_expense.group_hr_expense_manager"),
          "expense approvals are refused", ("hr.expense.sheet", "hr.expense")),
    Right("maintenance", "Create and move maintenance requests", ("maintenance.group_equipment_manager",),
          "refrigeration, facilities and till incidents cannot be reassigned or closed",
          ("maintenance.request",)),
    Right("tasks", "Create incident tasks", ("project.group_project_user", "project.group_project_manager"),
          "stock, safety, customer, staffing and compliance incidents never reach Odoo", ("project.task",)),
    Right("chatter", "Post notes in the chatter", ("base.group_user",),
          "decisions and comments are not noted on Odoo's documents"),
    Right("health", "Read scheduled actions and outgoing emails", ("base.group_system",),
          "workflow health cannot see failing scheduled actions or emails"),
    Right("setup", "Add the store field and install hint rules", ("base.group_system",),
          "odoo_setup cannot create the store field, its form view or the webhook rules"),
)
