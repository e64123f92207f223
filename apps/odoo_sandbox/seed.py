"""Seed data like Odoo's demo database: company, users, partners, products, the main warehouse, chatter
types, scheduled actions and failed emails. The retail network comes from `seed_network.py`.

Deterministic: the same random seed gives the same records; only dates follow the clock.
"""

from __future__ import annotations

import datetime as dt
import random

from .core import Sandbox
from .environment import Env
from .models.base import DEFAULT_SALE_TAX
from .orm import REGISTRY
from .seed_apps import apps_data, health, main_purchases
from .seed_data import COMPANY, CUSTOMERS, EXPENSE_PRODUCTS, PRODUCTS, USERS, VENDORS, mk
from .seed_views import seed_views


def seed(sandbox: Sandbox, *, network: bool = True, random_seed: int = 42, calm_health: bool = False) -> None:
    """Fill an empty sandbox. Runs as the superuser, outside any RPC transaction. `calm_health`: no
    failing scheduled action and one failed e-mail (the demo shows one degraded signal, not a failing
    Odoo); otherwise two jobs fail and three e-mails bounced, as the health tests want."""
    rng = random.Random(random_seed)
    env = sandbox.env(su=True)
    now = sandbox.store.now_dt()
    _metadata(env)
    _base(env)
    _chatter_types(env)
    _main_warehouse(env, rng)
    apps_data(env)
    seed_views(env)
    main_purchases(env, rng, now)
    health(env, now, calm=calm_health)
    if network:
        from .seed_network import seed_network

        seed_network(env, rng, now)
    _xmlid_rows(env)
    _backdate(env, now)


def _metadata(env: Env) -> None:
    """ir.model / ir.model.fields rows for every registered model, inserted directly (fast)."""
    store = env.store
    now = store.now()
    major = env.sandbox.major
    for name in sorted(REGISTRY):
        cls = REGISTRY[name]
        if name not in env:
            continue  # gone in this version (hr.expense.sheet on 19)
        model_id = store.next_id("ir.model")
        store.insert(
            "ir.model",
            {
                "id": model_id,
                "name": cls._description or name,
                "model": name,
                "state": "base",
                "transient": name.endswith("wizard"),
                "info": False,
                "create_date": now,
                "write_date": now,
                "create_uid": 1,
                "write_uid": 1,
            },
        )
        for fname, fld in cls._declared_fields.items():
            if not fld.exists_in(major):
                continue
            store.insert(
                "ir.model.fields",
                {
                    "id": store.next_id("ir.model.fields"),
                    "name": fname,
                    "model": name,
                    "model_id": model_id,
                    "field_description": fld.string or fname,
                    "ttype": fld.type,
                    "relation": fld.relation or False,
                    "required": fld.required,
                    "readonly": fld.readonly,
                    "store": fld.stored,
                    "state": "manual" if fld.manual else "base",
                    "help": fld.help or False,
                    "create_date": now,
                    "write_date": now,
                    "create_uid": 1,
                    "write_uid": 1,
                },
            )


def _base(env: Env) -> None:
    mk(env, "res.currency", {"name": "GBP", "full_name": "Pound Sterling", "symbol": "£"}, "base.GBP")
    mk(env, "res.currency", {"name": "EUR", "full_name": "Euro", "symbol": "€", "active": False}, "base.EUR")
    partner = mk(
        env,
        "res.partner",
        {"name": COMPANY, "is_company": True, "email": "hq@northgate-retail.example", "city": "Leeds", "company_id": 1},
        "base.main_partner",
    )
    company = mk(
        env,
        "res.company",
        {
            "name": COMPANY,
            "partner_id": partner,
            "currency_id": 1,
            "po_double_validation": "two_step",
            "po_double_validation_amount": 500.0,
            "email": "hq@northgate-retail.example",
        },
        "base.main_company",
    )
    env.store.update("res.partner", partner, {"company_id": company}, event=False)
    groups = sorted({g for _login, _name, _pw, gs in USERS for g in gs})
    from .orm import GROUP_LABELS

    for group in groups:
        label = GROUP_LABELS.get(group, group)
        mk(env, "res.groups", {"name": label.split("/")[-1], "full_name": label, "xml_id": group}, group)
    bot_partner = mk(env, "res.partner", {"name": "OdooBot", "email": "odoobot@example.com"}, "base.partner_root")
    mk(
        env,
        "res.users",
        {
            "name": "OdooBot",
            "login": "__system__",
            "partner_id": bot_partner,
            "active": False,
            "_groups": ["base.group_user", "base.group_system"],
        },
        "base.user_root",
    )
    for login, name, password, user_groups in USERS:
        user_partner = mk(
            env,
            "res.partner",
            {"name": name, "email": f"{login}@northgate-retail.example", "parent_id": partner, "company_id": company},
        )
        mk(
            env,
            "res.users",
            {
                "name": name,
                "login": login,
                "partner_id": user_partner,
                "email": f"{login}@northgate-retail.example",
                "_password": password,
                "_groups": user_groups,
            },
            f"base.user_{login}",
        )
    if "res.users.apikeys" in env:  # each user's key (Sandbox.api_key_for): an admin's persistent, others 90 days
        expires = (env.sandbox.store.now_dt() + dt.timedelta(days=90)).strftime("%Y-%m-%d %H:%M:%S")
        for login, _name, _password, user_groups in USERS:
            mk(env, "res.users.apikeys", {"name": f"{login} sandbox key", "user_id": env.sandbox.uid_of(login),
                                          "expiration_date": False if "base.group_system" in user_groups else expires})
    for index, name in enumerate(VENDORS):
        mk(
            env,
            "res.partner",
            {
                "name": name,
                "is_company": True,
                "supplier_rank": 1 + index % 3,
                "email": f"orders@{name.split()[0].lower()}.example",
                "city": "Manchester",
            },
        )
    for name in CUSTOMERS:
        mk(
            env,
            "res.partner",
            {
                "name": name,
                "is_company": name.endswith(("Ltd", "Group")),
                "customer_rank": 1,
                "email": f"{name.split()[0].lower()}@mail.example",
            },
        )
    # The sales tax of Odoo's generic chart of accounts, which new products get by default.
    mk(env, "account.tax", {"name": "15%", "amount": 15.0, "type_tax_use": "sale"}, DEFAULT_SALE_TAX)
    for code, name, cost, price in PRODUCTS:
        mk(
            env,
            "product.product",
            {
                "name": name,
                "default_code": code,
                "type": "consu",
                "is_storable": True,
                "purchase_ok": True,
                "standard_price": cost,
                "list_price": price,
            },
        )
    for code, name in EXPENSE_PRODUCTS:
        mk(
            env,
            "product.product",
            {
                "name": name,
                "default_code": code,
                "type": "service",
                "purchase_ok": False,
                "sale_ok": False,
                "can_be_expensed": True,
                "standard_price": 0.0,
            },
            f"hr_expense.product_product_{code.split()[0].lower()}",
        )
    admin = env.sandbox.uid_of("admin")
    buyer = env.sandbox.uid_of("buyer")
    mk(
        env,
        "hr.employee",
        {
            "name": "Mitchell Admin",
            "user_id": admin,
            "job_title": "Head of Operations",
            "work_email": "admin@northgate-retail.example",
        },
        "hr.employee_admin",
    )
    mk(
        env,
        "hr.employee",
        {
            "name": "Buyer",
            "user_id": buyer,
            "job_title": "Category Buyer",
            "work_email": "buyer@northgate-retail.example",
        },
    )


def _chatter_types(env: Env) -> None:
    mk(env, "mail.message.subtype", {"name": "Discussions", "sequence": 0}, "mail.mt_comment")
    mk(env, "mail.message.subtype", {"name": "Note", "internal": True, "sequence": 100}, "mail.mt_note")
    mk(env, "mail.message.subtype", {"name": "Activities", "internal": True, "sequence": 90}, "mail.mt_activities")
    mk(env, "mail.message.subtype", {"name": "Status Changed", "res_model": "maintenance.request", "sequence": 20},
       "maintenance.mt_req_status")
    mk(env, "mail.message.subtype", {"name": "Stage Changed", "res_model": "project.task", "sequence": 20},
       "project.mt_task_stage")
    for ref, name, icon in (
        ("email", "Email", "fa-envelope"),
        ("call", "Call", "fa-phone"),
        ("meeting", "Meeting", "fa-users"),
        ("todo", "To-Do", "fa-check"),
        ("upload_file", "Upload Document", "fa-upload"),
    ):
        mk(
            env,
            "mail.activity.type",
            {"name": name, "icon": icon, "category": "upload_file" if ref == "upload_file" else "default"},
            f"mail.mail_activity_data_{ref}",
        )


def _main_warehouse(env: Env, rng: random.Random) -> None:
    for name, usage, ref in (
        ("Partners", "view", "stock.stock_location_locations_partner"),
        ("Virtual Locations", "view", "stock.stock_location_locations_virtual"),
    ):
        mk(env, "stock.location", {"name": name, "usage": usage}, ref)
    mk(
        env,
        "stock.location",
        {"name": "Vendors", "usage": "supplier", "location_id": 1},
        "stock.stock_location_suppliers",
    )
    mk(
        env,
        "stock.location",
        {"name": "Customers", "usage": "customer", "location_id": 1},
        "stock.stock_location_customers",
    )
    mk(
        env,
        "stock.location",
        {"name": "Inventory adjustment", "usage": "inventory", "location_id": 2},
        "stock.stock_location_inventory",
    )
    warehouse = mk(
        env, "stock.warehouse", {"name": "Distribution Centre", "code": "WH", "partner_id": 1}, "stock.warehouse0"
    )
    row = env.store.table("stock.warehouse")[warehouse]
    products = sorted(r["id"] for r in env.store.table("product.product").values() if r.get("type") == "consu")
    for product in products:
        mk(
            env,
            "stock.quant",
            {"product_id": product, "location_id": row["lot_stock_id"], "quantity": float(rng.randint(40, 400))},
        )
    for product, low, high in ((products[0], 5.0, 10.0), (products[3], 5.0, 12.0), (products[7], 3.0, 5.0)):
        mk(
            env,
            "stock.warehouse.orderpoint",
            {"product_id": product, "warehouse_id": warehouse, "product_min_qty": low, "product_max_qty": high},
        )


def _xmlid_rows(env: Env) -> None:
    store = env.store
    now = store.now()
    for name, (model, rec_id) in sorted(store.xmlids.items()):
        module, _, short = name.partition(".")
        store.insert(
            "ir.model.data",
            {
                "id": store.next_id("ir.model.data"),
                "name": short,
                "module": module,
                "model": model,
                "res_id": rec_id,
                "create_date": now,
                "write_date": now,
                "create_uid": 1,
                "write_uid": 1,
            },
        )


def _backdate(env: Env, now: dt.datetime) -> None:
    """Give seeded records creation/update times spread over the last days, in id order per model."""
    for _model, table in env.store.tables.items():
        count = len(table)
        for position, rec_id in enumerate(sorted(table)):
            # Microseconds as Odoo stores them (never a whole second), deterministic per record.
            age = dt.timedelta(minutes=(count - position) * 7 + 60, microseconds=-(1 + rec_id * 7919 % 999_998))
            stamp = (now - age).strftime("%Y-%m-%d %H:%M:%S.%f")
            table[rec_id]["create_date"] = stamp
            table[rec_id]["write_date"] = stamp
