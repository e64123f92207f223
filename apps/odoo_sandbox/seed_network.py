"""The retail network: one warehouse per demo store (ids 2..25) and the work waiting in each store.

Stores come from `apps.organisation.demo_network` (plain data). Per store: purchase orders waiting in
'to approve' (linked through picking_type_id -> stock.picking.type.warehouse_id), counted quants with
differences, draft customer refunds, submitted expense reports, maintenance requests, incident tasks,
late receipts, reordering rules with something to order and overdue activities on purchase orders.
Records without a natural warehouse link (refunds, expense reports, equipment, maintenance requests,
tasks) carry nothing that names their store, as in a stock Odoo: the sandbox remembers it
(`Sandbox.store_tags`) until `tag_stores` fills in the field the portal's `odoo_setup` creates.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from apps.organisation.demo_network import stores_with_warehouse_ids

from .environment import Env
from .seed_bills import seed_bill_mismatches
from .seed_data import mk


def mk_for_store(warehouse: int, env: Env, model: str, vals: dict[str, Any]) -> int:
    """A document of one store. A stock Odoo has no field saying so (the portal's `odoo_setup` adds
    one); the sandbox remembers the store so `tag_stores` can fill that field in as the store's staff
    would."""
    rec_id = mk(env, model, vals)
    env.sandbox.store_tags[(model, rec_id)] = warehouse
    return rec_id

FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Harry",
    "Imogen",
    "Jack",
    "Kiran",
    "Lucy",
    "Mohammed",
    "Nia",
    "Owen",
    "Poppy",
    "Rhys",
    "Sana",
    "Tom",
    "Uma",
    "Will",
    "Yasmin",
    "Zac",
    "Freya",
]
LAST_NAMES = [
    "Ahmed",
    "Barnes",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nolan",
    "Owens",
    "Patel",
    "Quinn",
    "Roberts",
    "Shaw",
    "Turner",
    "Walsh",
    "Young",
]
MAINTENANCE_ISSUES = [
    ("Freezer aisle 3 reading -9°C", "refrigeration", "3"),
    ("Chiller door seal torn", "refrigeration", "2"),
    ("Cold room alarm keeps triggering", "refrigeration", "3"),
    ("Leak above the bakery counter", "facilities", "2"),
    ("Automatic entrance door stuck open", "facilities", "3"),
    ("Car park lighting out", "facilities", "1"),
    ("Till 2 freezes on card payments", "pos_it", "2"),
    ("Self-checkout scanner not reading barcodes", "pos_it", "1"),
    ("Receipt printer jammed on till 4", "pos_it", "0"),
    ("Staff toilet blocked", "facilities", "1"),
]
TASK_ISSUES = [
    ("Pallet of milk missing from morning delivery", "stock"),
    ("Shelf gap: bananas empty since 10:00", "stock"),
    ("Customer slipped near entrance", "safety"),
    ("Fire exit partially blocked by cages", "safety"),
    ("Complaint: wrong price charged for coffee", "customer"),
    ("Online order pickup not ready", "customer"),
    ("Saturday late shift not covered", "staffing"),
    ("Price labels wrong on promotion end", "compliance"),
    ("Hygiene audit action: clean extraction hood", "compliance"),
    ("Damaged delivery: crushed egg boxes", "stock"),
]
REFUND_REASONS = [
    "Returned item: faulty kettle",
    "Refund: spoiled milk",
    "Price dispute: promotion not applied",
    "Damaged goods at home delivery",
    "Allergy claim goodwill refund",
]
EXPENSE_ITEMS = [
    ("Emergency plumber call-out", 0),
    ("Taxi for late-shift staff", 2),
    ("Cleaning supplies", 0),
    ("Team lunch after stock count", 1),
    ("Mileage to regional meeting", 3),
]


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def seed_network(env: Env, rng: random.Random, now: dt.datetime) -> None:
    store = env.store
    buyer = env.sandbox.uid_of("buyer") or 1
    admin = env.sandbox.uid_of("admin") or 1
    vendors = sorted(r["id"] for r in store.table("res.partner").values() if (r.get("supplier_rank") or 0) > 0)
    customers = sorted(r["id"] for r in store.table("res.partner").values() if (r.get("customer_rank") or 0) > 0)
    products = sorted(r["id"] for r in store.table("product.product").values() if r.get("type") == "consu")
    expense_products = sorted(r["id"] for r in store.table("product.product").values() if r.get("can_be_expensed"))
    project = store.xmlids["control_tower.project_store_incidents"][1]
    stages = [store.xmlids[f"control_tower.task_stage_{key}"][1] for key in ("new", "in", "waiting", "done")]
    tags = {
        name: store.xmlids[f"control_tower.tag_{name}"][1]
        for name in ("stock", "safety", "customer", "staffing", "compliance")
    }
    teams = [
        store.xmlids[ref][1]
        for ref in (
            "maintenance.equipment_team_maintenance",
            "control_tower.team_refrigeration",
            "control_tower.team_it",
        )
    ]
    maint_stages = [store.xmlids[f"maintenance.stage_{n}"][1] for n in (0, 1, 3, 4)]
    todo = store.xmlids["mail.mail_activity_data_todo"][1]
    po_model = next(rid for rid, r in store.table("ir.model").items() if r["model"] == "purchase.order")
    receiving: list[tuple[int, int]] = []
    for index, (region, demo_store, warehouse_id) in enumerate(stores_with_warehouse_ids()):
        warehouse = mk(
            env, "stock.warehouse", {"name": demo_store.name, "code": demo_store.code, "sequence": 20 + index}
        )
        assert warehouse == warehouse_id, f"store {demo_store.code} got warehouse {warehouse}, expected {warehouse_id}"
        wh = store.table("stock.warehouse")[warehouse]
        location, receipts = wh["lot_stock_id"], wh["in_type_id"]
        receiving.append((receipts, warehouse))
        # Stock: quants, two counted with a difference, sometimes a negative quantity.
        stocked = rng.sample(products, 8)
        quants = []
        for product in stocked:
            quants.append(
                mk(
                    env,
                    "stock.quant",
                    {"product_id": product, "location_id": location, "quantity": float(rng.randint(4, 120))},
                )
            )
        for quant in rng.sample(quants, 2):
            quantity = store.table("stock.quant")[quant]["quantity"]
            counted = max(0.0, quantity + rng.choice([-12, -7, -3, -1, 2, 5]))
            env["stock.quant"].browse([quant]).with_context(inventory_mode=True).write({"inventory_quantity": counted})
        if index % 6 == 5:
            mk(
                env,
                "stock.quant",
                {
                    "product_id": rng.choice([p for p in products if p not in stocked]),
                    "location_id": location,
                    "quantity": -float(rng.randint(1, 6)),
                },
            )
        low = stocked[0]
        on_hand = store.table("stock.quant")[quants[0]]["quantity"]
        mk(
            env,
            "stock.warehouse.orderpoint",
            {
                "product_id": low,
                "warehouse_id": warehouse,
                "product_min_qty": on_hand + 10,
                "product_max_qty": on_hand + 60,
            },
        )
        mk(
            env,
            "stock.warehouse.orderpoint",
            {"product_id": stocked[1], "warehouse_id": warehouse, "product_min_qty": 2.0, "product_max_qty": 20.0},
        )
        # Purchasing: two orders waiting for approval, a draft, and a confirmed one whose receipt is late.
        buyer_env = env.sandbox.env(buyer)
        waiting = []
        for _ in range(2):
            lines = [
                (
                    0,
                    0,
                    {
                        "product_id": p,
                        "product_qty": float(rng.randint(120, 480)),
                        "price_unit": round(store.table("product.product")[p]["standard_price"] * 10 + 5, 2),
                    },
                )
                for p in rng.sample(products, rng.randint(1, 3))
            ]
            order = (
                buyer_env["purchase.order"]
                .sudo()
                ._create_one(
                    {
                        "partner_id": rng.choice(vendors),
                        "picking_type_id": receipts,
                        "order_line": lines,
                        "date_order": _stamp(now - dt.timedelta(hours=rng.randint(2, 72))),
                        "date_planned": _stamp(now + dt.timedelta(days=rng.randint(1, 5))),
                    }
                )
            )
            env["purchase.order"].browse([order]).with_env(buyer_env).button_confirm()
            waiting.append(order)
        mk(
            env,
            "purchase.order",
            {
                "partner_id": rng.choice(vendors),
                "picking_type_id": receipts,
                "user_id": buyer,
                "order_line": [(0, 0, {"product_id": rng.choice(products), "product_qty": 24.0, "price_unit": 2.5})],
            },
        )
        late = mk(
            env,
            "purchase.order",
            {
                "partner_id": rng.choice(vendors),
                "picking_type_id": receipts,
                "user_id": buyer,
                "date_planned": _stamp(now - dt.timedelta(days=rng.randint(1, 4), hours=3)),
                "order_line": [(0, 0, {"product_id": rng.choice(products), "product_qty": 60.0, "price_unit": 1.2})],
            },
        )
        env["purchase.order"].browse([late]).button_approve()
        mk(
            env,
            "mail.activity",
            {
                "res_model": "purchase.order",
                "res_model_id": po_model,
                "res_id": waiting[0],
                "activity_type_id": todo,
                "summary": "Approve before the vendor cut-off",
                "date_deadline": (now.date() - dt.timedelta(days=rng.randint(1, 5))).isoformat(),
                "user_id": admin,
            },
        )
        # Finance: draft customer refunds waiting for a decision.
        for _ in range(rng.randint(1, 2)):
            mk_for_store(
                warehouse,
                env,
                "account.move",
                {
                    "move_type": "out_refund",
                    "partner_id": rng.choice(customers),
                    "invoice_origin": demo_store.code,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": rng.choice(REFUND_REASONS),
                                "quantity": 1,
                                "price_unit": float(rng.randint(5, 180)),
                            },
                        )
                    ],
                },
            )
        # People: the store manager's submitted expense report.
        first, last = FIRST_NAMES[index % len(FIRST_NAMES)], rng.choice(LAST_NAMES)
        employee = mk(
            env,
            "hr.employee",
            {
                "name": f"{first} {last}",
                "job_title": f"Store Manager, {demo_store.name}",
                "work_email": f"{first.lower()}.{last.lower()}@northgate-retail.example",
            },
        )
        label, product_index = rng.choice(EXPENSE_ITEMS)
        expense = mk(
            env,
            "hr.expense",
            {
                "name": label,
                "employee_id": employee,
                "product_id": expense_products[product_index % len(expense_products)],
                "total_amount_currency": float(rng.randint(12, 240)),
            },
        )
        if "hr.expense.sheet" in env:
            sheet = mk_for_store(
                warehouse,
                env,
                "hr.expense.sheet",
                {
                    "name": f"{label} ({demo_store.code})",
                    "employee_id": employee,
                    "expense_line_ids": [(6, 0, [expense])],
                },
            )
            env["hr.expense.sheet"].browse([sheet]).action_submit_sheet()
        else:  # Odoo 19: the expense itself is tagged and submitted
            env.sandbox.store_tags[("hr.expense", expense)] = warehouse
            env["hr.expense"].browse([expense]).action_submit()
        # Incidents: maintenance requests and project tasks.
        fridge = mk_for_store(
                warehouse,
            env,
            "maintenance.equipment",
            {
                "name": f"Freezer bank A ({demo_store.code})",
                "maintenance_team_id": teams[1],
                "location": demo_store.name,
            },
        )
        till = mk_for_store(
                warehouse,
            env,
            "maintenance.equipment",
            {
                "name": f"Till 2 ({demo_store.code})",
                "maintenance_team_id": teams[2],
                "location": demo_store.name,
            },
        )
        for name, category, priority in rng.sample(MAINTENANCE_ISSUES, rng.randint(1, 2)):
            team = teams[1] if category == "refrigeration" else teams[2] if category == "pos_it" else teams[0]
            equipment = fridge if category == "refrigeration" else till if category == "pos_it" else False
            request = mk_for_store(
                warehouse,
                env,
                "maintenance.request",
                {
                    "name": name,
                    "priority": priority,
                    "maintenance_team_id": team,
                    "equipment_id": equipment,
                    "description": f"<p>Reported by {first} {last}</p>",
                    "request_date": (now.date() - dt.timedelta(days=rng.randint(0, 6))).isoformat(),
                },
            )
            if rng.random() < 0.4:
                env["maintenance.request"].browse([request]).write({"stage_id": maint_stages[1]})
        for name, tag in rng.sample(TASK_ISSUES, rng.randint(1, 2)):
            mk_for_store(
                warehouse,
                env,
                "project.task",
                {
                    "name": name,
                    "project_id": project,
                    "tag_ids": [(6, 0, [tags[tag]])],
                    "priority": "1" if tag == "safety" else "0",
                    "stage_id": stages[rng.randint(0, 2)],
                    "user_ids": [(6, 0, [admin])],
                    "description": f"<p>Reported by {first} {last}, {region.name} region</p>",
                },
            )
    seed_bill_mismatches(env, receiving, now)
