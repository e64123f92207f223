"""The demo data the seed is made of (company, users, partners, products, scheduled actions) and `mk`."""

from __future__ import annotations

from typing import Any

from .environment import Env

COMPANY = "Northgate Retail Ltd"
USERS = [  # login, name, password, groups
    (
        "admin",
        "Mitchell Admin",
        "admin",
        [
            "base.group_user",
            "base.group_system",
            "purchase.group_purchase_user",
            "purchase.group_purchase_manager",
            "stock.group_stock_user",
            "stock.group_stock_manager",
            "account.group_account_invoice",
            "account.group_account_manager",
            "hr_expense.group_hr_expense_team_approver",
            "hr_expense.group_hr_expense_manager",
            "maintenance.group_equipment_manager",
            "project.group_project_user",
            "project.group_project_manager",
            "hr.group_hr_user",
        ],
    ),
    ("buyer", "Buyer", "buyer-pw-123", ["base.group_user", "purchase.group_purchase_user", "stock.group_stock_user"]),
    ("basic", "Basic User", "basic-pw-123", ["base.group_user"]),
]
VENDORS = [
    "Fresh Fields Produce Ltd",
    "Northern Dairy Co-operative",
    "Hearth & Loaf Bakery Supplies",
    "Metro Packaging Ltd",
    "Brightline Electrical Wholesale",
    "ColdChain Refrigeration Services",
    "Evergreen Household Goods",
    "Harbour Coffee Roasters",
]
CUSTOMERS = [
    "Amelia Hart",
    "Oliver Grant",
    "Sofia Brennan",
    "Jacob Mensah",
    "Isla Fraser",
    "Noah Whitfield",
    "Hospitality Partners Ltd",
    "Riverside Cafe Group",
]
PRODUCTS = [  # code, name, cost, price
    ("APL-6", "Gala apples x6", 1.05, 1.80),
    ("BAG-LIFE", "Bag for life", 0.20, 0.50),
    ("BAN-KG", "Bananas (per kg)", 0.60, 0.95),
    ("BRD-800", "White sliced loaf 800g", 0.55, 1.10),
    ("CHK-1K", "Chicken breast fillets 1kg", 4.20, 7.50),
    ("CHO-100", "Dark chocolate 100g", 0.80, 1.75),
    ("CHP-150", "Sea salt crisps 150g", 0.70, 1.60),
    ("COF-1K", "Coffee beans 1kg", 7.80, 13.50),
    ("DET-2L", "Laundry detergent 2L", 3.10, 6.50),
    ("EGG-12", "Free-range eggs x12", 1.90, 3.20),
    ("ICE-1L", "Vanilla ice cream 1L", 1.40, 3.00),
    ("MLK-1L", "Semi-skimmed milk 1L", 0.62, 1.15),
    ("PAS-500", "Penne pasta 500g", 0.38, 0.85),
    ("RIC-1K", "Basmati rice 1kg", 1.20, 2.40),
    ("TP-9", "Toilet roll 9 pack", 2.60, 4.75),
    ("WTR-6", "Still water 6 x 1.5L", 1.10, 2.25),
]
EXPENSE_PRODUCTS = [
    ("EXP_GEN", "Expenses"),
    ("FOOD", "Meals"),
    ("TRANS & ACC", "Travel & Accommodation"),
    ("MIL", "Mileage"),
]
CRONS = [  # name, interval number, unit, priority, active, failing reason
    ("Base: Auto-vacuum internal data", 1, "days", 3, True, None),
    ("Base: Portal Users Deletion", 1, "days", 8, True, None),
    ("Mail: Email Queue Manager", 1, "hours", 6, True, None),
    ("Mail: Fetchmail Service", 5, "minutes", 5, False, None),
    ("Notification: Delete Notifications older than 6 Month", 1, "days", 5, True, None),
    ("Mail: Post scheduled messages", 1, "days", 5, True, None),
    ("Purchase: Receipt Reminder", 1, "days", 5, True, None),
    ("Inventory: Procurement: run scheduler", 1, "days", 5, True, None),
    ("Account: Post draft entries with auto_post enabled and accounting date up to today", 1, "days", 5, True, None),
    (
        "Retail: Import till sales from the POS bridge",
        15,
        "minutes",
        2,
        True,
        "ConnectionError: HTTPSConnectionPool(host='pos-bridge.internal', port=443): Read timed out. (read timeout=30)",
    ),
    (
        "EDI: Import supplier invoices",
        1,
        "hours",
        4,
        True,
        "ValueError: Invalid invoice XML: unexpected element 'cac:AllowanceCharge' in INV-88213.xml",
    ),
    ("Digest Emails", 1, "days", 5, False, None),
    ("Snailmail: process letters queue", 1, "days", 5, False, None),
    ("Partner Autocomplete: Sync with remote DB", 1, "days", 5, False, None),
]


def xmlid(env: Env, name: str, model: str, rec_id: int) -> None:
    env.store.xmlids[name] = (model, rec_id)


def mk(env: Env, model: str, vals: dict[str, Any], ref: str | None = None) -> int:
    rec_id = env[model]._create_one(vals)
    if ref:
        xmlid(env, ref, model, rec_id)
    return rec_id
