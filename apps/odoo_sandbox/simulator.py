"""An activity simulator: every few seconds, something a real retail network would do in Odoo.

New purchase orders to approve, new stock counts with differences, maintenance requests moving through
stages, purchase orders approved directly in Odoo, scheduled actions starting or stopping to fail,
emails failing. Deterministic for a given seed; each step runs in one store transaction, so it is
atomic towards RPC handlers and its changes send webhook hints like any other write.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .core import Sandbox
    from .environment import Env

log = logging.getLogger(__name__)
LOCK_ERROR = 'psycopg2.errors.LockNotAvailable: could not obtain lock on row in relation "stock_quant"'


class Simulator:
    def __init__(self, sandbox: Sandbox, random_seed: int = 42, *, calm_health: bool = False) -> None:
        self.sandbox = sandbox
        self.random = random.Random(random_seed)
        self.steps = 0
        self.history: list[str] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.actions: list[tuple[int, Callable[[], str | None]]] = [
            (4, self.new_purchase_order),
            (4, self.new_stock_count),
            (3, self.move_maintenance_request),
            (2, self.approve_purchase_order),
        ]
        if not calm_health:  # the demo keeps Odoo's health steady: one degraded signal, seeded
            self.actions += [(1, self.toggle_cron_failure), (1, self.fail_email)]

    # -- running ---------------------------------------------------------------------------------
    def start(self, interval: float) -> None:
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.step()
                except Exception:
                    log.exception("odoo sandbox simulator step failed")

        self._thread = threading.Thread(target=loop, name="odoo-sandbox-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread = None

    def step(self) -> str:
        """Do one thing and describe it (the first action that finds something to do)."""
        with self.sandbox.store.transaction():
            weights = [w for w, _a in self.actions]
            first = self.random.choices(range(len(self.actions)), weights=weights)[0]
            order = [first] + [i for i in range(len(self.actions)) if i != first]
            for index in order:
                did = self.actions[index][1]()
                if did:
                    self.steps += 1
                    self.history.append(did)
                    log.info("odoo sandbox simulator: %s", did)
                    return did
        return "nothing to do"

    # -- helpers ---------------------------------------------------------------------------------
    def _env(self, login: str) -> Env:
        uid = self.sandbox.uid_of(login) or 1
        return self.sandbox.env(uid)

    def _rows(self, model: str, **match: Any) -> list[dict[str, Any]]:
        table = self.sandbox.store.table(model)
        return [table[i] for i in sorted(table) if all(table[i].get(k) == v for k, v in match.items())]

    def _store_warehouses(self) -> list[dict[str, Any]]:
        return [w for w in self._rows("stock.warehouse") if w["id"] >= 2 and w.get("active")]

    # -- actions ---------------------------------------------------------------------------------
    def new_purchase_order(self) -> str | None:
        warehouses = self._store_warehouses()
        vendors = [p["id"] for p in self._rows("res.partner") if (p.get("supplier_rank") or 0) > 0]
        products = [p for p in self._rows("product.product", type="consu", purchase_ok=True)]
        if not warehouses or not vendors or not products:
            return None
        warehouse = self.random.choice(warehouses)
        env = self._env("buyer")
        lines = [
            (
                0,
                0,
                {
                    "product_id": p["id"],
                    "product_qty": float(self.random.randint(150, 500)),
                    "price_unit": round(float(p.get("standard_price") or 1.0) * 10 + 5, 2),
                },
            )
            for p in self.random.sample(products, self.random.randint(1, 3))
        ]
        order_id = env["purchase.order"]._create_one(
            {"partner_id": self.random.choice(vendors), "picking_type_id": warehouse["in_type_id"], "order_line": lines}
        )
        order = env["purchase.order"].browse([order_id])
        order.button_confirm()
        return f"new purchase order {order.row['name']} ({order.row['state']}) for {warehouse['code']}"

    def new_stock_count(self) -> str | None:
        locations = {w["lot_stock_id"]: w["code"] for w in self._store_warehouses()}
        quants = [
            q
            for q in self._rows("stock.quant")
            if q.get("location_id") in locations
            and not q.get("inventory_quantity_set")
            and (q.get("quantity") or 0) > 0
        ]
        if not quants:
            return None
        quant = self.random.choice(quants)
        counted = max(0.0, float(quant["quantity"]) + self.random.choice([-9, -4, -2, -1, 1, 3, 6]))
        env = self._env("admin").with_context(inventory_mode=True)
        env["stock.quant"].browse([quant["id"]]).write({"inventory_quantity": counted})
        product = self.sandbox.env().display_name("product.product", quant["product_id"])
        return f"stock count in {locations[quant['location_id']]}: {product} {quant['quantity']:g} -> {counted:g}"

    def move_maintenance_request(self) -> str | None:
        stages = sorted(self._rows("maintenance.stage"), key=lambda s: (s.get("sequence") or 0, s["id"]))
        requests = [r for r in self._rows("maintenance.request") if not r.get("archive")]
        open_requests = [r for r in requests if not any(s["id"] == r.get("stage_id") and s.get("done") for s in stages)]
        if not open_requests or len(stages) < 2:
            return None
        request = self.random.choice(open_requests)
        position = next((i for i, s in enumerate(stages) if s["id"] == request.get("stage_id")), 0)
        target = stages[min(position + 1, len(stages) - 1)]
        self._env("admin")["maintenance.request"].browse([request["id"]]).write({"stage_id": target["id"]})
        return f"maintenance request {request['name']!r} moved to {target['name']}"

    def approve_purchase_order(self) -> str | None:
        waiting = self._rows("purchase.order", state="to approve")
        if not waiting:
            return None
        order = self.random.choice(waiting)
        self._env("admin")["purchase.order"].browse([order["id"]]).button_approve()
        return f"purchase order {order['name']} approved directly in Odoo"

    def toggle_cron_failure(self) -> str | None:
        crons = self._rows("ir.cron", active=True)
        if not crons:
            return None
        cron = self.random.choice(crons)
        store = self.sandbox.store
        now, stamp = store.now(), store.stamp()
        if cron.get("_failing"):
            store.update(
                "ir.cron",
                cron["id"],
                {
                    "_failing": False,
                    "failure_count": 0,
                    "first_failure_date": False,
                    "lastcall": now,
                    "write_date": stamp,
                },
            )
            return f"scheduled action {cron['cron_name']!r} recovered"
        store.update(
            "ir.cron",
            cron["id"],
            {
                "_failing": True,
                "failure_count": int(cron.get("failure_count") or 0) + 1,
                "first_failure_date": cron.get("first_failure_date") or now,
                "lastcall": now,
                "write_date": stamp,
                "_failure_reason": LOCK_ERROR,
            },
        )
        return f"scheduled action {cron['cron_name']!r} started failing"

    def fail_email(self) -> str | None:
        orders = self._rows("purchase.order", state="purchase")
        if not orders:
            return None
        order = self.random.choice(orders)
        vendor = self.sandbox.store.get("res.partner", order["partner_id"]) or {}
        self.sandbox.env(su=True)["mail.mail"]._create_one(
            {
                "subject": f"Purchase Order {order['name']}",
                "email_from": "admin@northgate-retail.example",
                "email_to": vendor.get("email") or "",
                "model": "purchase.order",
                "res_id": order["id"],
                "state": "exception",
                "failure_type": "mail_smtp",
                "failure_reason": "111\nConnection refused",
            }
        )
        return f"email for {order['name']} failed to send"
