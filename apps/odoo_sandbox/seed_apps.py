"""Seed data of the apps: maintenance teams and stages, the incidents project, the distribution
centre's purchase orders, scheduled actions (some failing) and failed emails."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .environment import Env
from .seed_data import CRONS, mk


def apps_data(env: Env) -> None:
    """Maintenance teams and stages, and the project that holds store incidents."""
    admin = env.sandbox.uid_of("admin") or 1
    for name, ref in (
        ("Store Maintenance", "maintenance.equipment_team_maintenance"),
        ("Refrigeration Contractors", "control_tower.team_refrigeration"),
        ("IT & Tills", "control_tower.team_it"),
    ):
        mk(env, "maintenance.team", {"name": name, "member_ids": [(6, 0, [admin])]}, ref)
    for name, seq, done, ref in (
        ("New Request", 1, False, "maintenance.stage_0"),
        ("In Progress", 2, False, "maintenance.stage_1"),
        ("Repaired", 3, True, "maintenance.stage_3"),
        ("Scrap", 4, True, "maintenance.stage_4"),
    ):
        mk(env, "maintenance.stage", {"name": name, "sequence": seq, "fold": done, "done": done}, ref)
    project = mk(
        env, "project.project", {"name": "Store incidents", "user_id": admin}, "control_tower.project_store_incidents"
    )
    for name, seq, fold in (
        ("New", 1, False),
        ("In Progress", 2, False),
        ("Waiting on supplier", 3, False),
        ("Done", 9, True),
    ):
        mk(
            env,
            "project.task.type",
            {"name": name, "sequence": seq, "fold": fold, "project_ids": [(6, 0, [project])]},
            f"control_tower.task_stage_{name.split()[0].lower()}",
        )
    for index, name in enumerate(("stock", "safety", "customer", "staffing", "compliance")):
        mk(env, "project.tags", {"name": name, "color": index + 1}, f"control_tower.tag_{name}")


def main_purchases(env: Env, rng: random.Random, now: dt.datetime) -> None:
    """Orders of the distribution centre in every state, some with receipts waiting."""
    buyer = env.sandbox.uid_of("buyer") or 1
    vendors = sorted(r["id"] for r in env.store.table("res.partner").values() if (r.get("supplier_rank") or 0) > 0)
    products = sorted(r["id"] for r in env.store.table("product.product").values() if r.get("type") == "consu")
    orders = env["purchase.order"]
    for index, state in enumerate(
        ("draft", "draft", "sent", "purchase", "purchase", "purchase", "done", "cancel", "draft")
    ):
        order = mk(
            env,
            "purchase.order",
            {
                "partner_id": vendors[index % len(vendors)],
                "user_id": buyer,
                "date_order": (now - dt.timedelta(days=10 - index)).strftime("%Y-%m-%d %H:%M:%S"),
                "date_planned": (now + dt.timedelta(days=index - 5)).strftime("%Y-%m-%d %H:%M:%S"),
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": p,
                            "product_qty": float(rng.randint(10, 60)),
                            "price_unit": env.store.table("product.product")[p]["standard_price"],
                        },
                    )
                    for p in rng.sample(products, 2)
                ],
            },
        )
        if state in ("purchase", "done"):
            orders.browse([order]).button_approve()
        if state in ("sent", "done", "cancel"):
            env.store.update("purchase.order", order, {"state": state}, event=False)


def health(env: Env, now: dt.datetime, *, calm: bool = False) -> None:
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    for index, (name, number, unit, priority, active, failing) in enumerate(CRONS):
        values: dict[str, Any] = {
            "cron_name": name,
            "interval_number": number,
            "interval_type": unit,
            "priority": priority,
            "active": active,
            "nextcall": (now + dt.timedelta(hours=1 + index)).strftime("%Y-%m-%d %H:%M:%S"),
            "lastcall": (now - dt.timedelta(minutes=30 + index)).strftime("%Y-%m-%d %H:%M:%S") if active else False,
            "code": "model._run()",
        }
        if failing and not calm:
            values.update(
                {
                    "failure_count": 3 + index,
                    "_failing": True,
                    "_failure_reason": failing,
                    "first_failure_date": (now - dt.timedelta(hours=6 * (index - 8))).strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
        mk(env, "ir.cron", values)
    admin_mail = "admin@northgate-retail.example"
    orders = sorted(env.store.table("purchase.order"))
    bounced = (
        ("111\nConnection refused", "mail_smtp", "accounts@freshfields.example"),
        ("111\nConnection refused", "mail_smtp", "orders@northern.example"),
        ("Invalid recipient address 'store-N04@'", "mail_email_invalid", "store-N04@"),
    )
    for index, (reason, kind, to) in enumerate(bounced[2:] if calm else bounced):
        order = orders[index % len(orders)]
        name = env.store.table("purchase.order")[order]["name"]
        mk(
            env,
            "mail.mail",
            {
                "subject": f"Northgate Retail Ltd Order (Ref {name})",
                "email_from": admin_mail,
                "email_to": to,
                "state": "exception",
                "failure_type": kind,
                "failure_reason": reason,
                "model": "purchase.order",
                "res_id": order,
                "body_html": "<p>Please find attached our purchase order.</p>",
                "scheduled_date": stamp,
            },
        )
    mk(
        env,
        "mail.mail",
        {"subject": "Weekly digest", "email_from": admin_mail, "email_to": admin_mail, "state": "sent"},
    )
