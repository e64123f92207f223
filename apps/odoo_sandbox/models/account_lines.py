"""account: taxes and journal items, with the tax and payment-term lines Odoo keeps beside the products.

An invoice or refund's `line_ids` hold its product lines (`display_type = 'product'`), one line per tax
(`display_type = 'tax'`) and a payment-term line (`display_type = 'payment_term'`, the receivable or
payable) that balances them; `invoice_line_ids` shows the product lines only. The dynamic lines and the
move's amounts are recomputed whenever product lines change, as Odoo's `_sync_dynamic_lines` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..fields import Boolean, Char, Date, Float, Integer, Many2many, Many2one, Monetary, Row, Selection
from ..orm import Model, rpc
from ..writing import touch

if TYPE_CHECKING:
    from ..environment import Env

ACCOUNT_GROUPS = ("account.group_account_invoice", "account.group_account_manager")
DYNAMIC = ("tax", "payment_term")
INVOICE_DISPLAY = ("product", "line_section", "line_note")
# Sign of a product line's balance: income is a credit on customer invoices, an expense a debit on bills.
PRODUCT_SIGN = {
    "out_invoice": -1,
    "out_receipt": -1,
    "in_refund": -1,
    "out_refund": 1,
    "in_invoice": 1,
    "in_receipt": 1,
}


class AccountTax(Model):
    _name = "account.tax"
    _description = "Tax"
    _order = "sequence, id"
    _write_groups = ("account.group_account_manager",)
    _abstract = False
    _fields = {
        "name": Char("Tax Name", required=True),
        "sequence": Integer("Sequence", default=1),
        "amount": Float("Amount", default=0.0),
        "amount_type": Selection(
            [("percent", "Percentage of Price"), ("fixed", "Fixed")], "Tax Computation", default="percent"
        ),
        "type_tax_use": Selection(
            [("sale", "Sales"), ("purchase", "Purchases"), ("none", "None")], "Tax Type", default="sale"
        ),
        "price_include": Boolean("Included in Price", default=False),
        "description": Char("Label on Invoices"),
        "company_id": Many2one("res.company", "Company", default=1),
        "active": Boolean("Active", default=True),
    }


def _is_dynamic(row: Row) -> bool:
    return row.get("display_type") in DYNAMIC


class AccountMoveLine(Model):
    _name = "account.move.line"
    _description = "Journal Item"
    _order = "move_id, sequence, id"
    _groups = (*ACCOUNT_GROUPS, "purchase.group_purchase_user")
    _write_groups = ACCOUNT_GROUPS
    _abstract = False
    _fields = {
        "move_id": Many2one("account.move", "Journal Entry", required=True),
        "sequence": Integer("Sequence", default=10),
        "name": Char("Label"),
        "product_id": Many2one("product.product", "Product"),
        "quantity": Float("Quantity", default=1.0),
        "price_unit": Float("Unit Price", default=0.0),
        "price_subtotal": Monetary("Subtotal", readonly=True),
        "price_total": Monetary("Total", readonly=True),
        "tax_ids": Many2many("account.tax", "Taxes"),
        "tax_line_id": Many2one("account.tax", "Originator Tax", readonly=True),
        "debit": Monetary("Debit", readonly=True),
        "credit": Monetary("Credit", readonly=True),
        "balance": Monetary("Balance", readonly=True),
        "date_maturity": Date("Due Date"),
        "display_type": Selection(
            [
                ("product", "Product"),
                ("cogs", "Cost of Goods Sold"),
                ("tax", "Tax"),
                ("discount", "Discount"),
                ("rounding", "Rounding"),
                ("payment_term", "Payment Term"),
                ("line_section", "Section"),
                ("line_note", "Note"),
                ("epd", "Early Payment Discount"),
            ],
            "Display Type",
            default="product",
        ),
        "parent_state": Selection(
            [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")], "Status", related="move_id.state"
        ),
        "move_type": Char("Type", related="move_id.move_type"),
        "invoice_date": Date("Invoice/Bill Date", related="move_id.invoice_date"),
        "purchase_line_id": Many2one("purchase.order.line", "Purchase Order Line"),
        "purchase_order_id": Many2one("purchase.order", "Purchase Order", related="purchase_line_id.order_id"),
        "partner_id": Many2one("res.partner", "Partner", related="move_id.partner_id"),
        "currency_id": Many2one("res.currency", "Currency", related="move_id.currency_id"),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        """A product line takes its label, price and taxes from the product, as the invoice form does."""
        if vals.get("display_type", "product") != "product":
            return
        move = self.env.store.get("account.move", vals.get("move_id")) or {}
        product = self.env.store.get("product.product", vals.get("product_id")) or {}
        if product:
            vals.setdefault("name", self.env.display_name("product.product", int(product["id"])))
            sale = str(move.get("move_type") or "").startswith("out_")
            if "price_unit" not in vals:
                vals["price_unit"] = product.get("list_price" if sale else "standard_price") or 0.0
            if "tax_ids" not in vals and move.get("move_type") in PRODUCT_SIGN:
                vals["tax_ids"] = [(6, 0, list(product.get("taxes_id" if sale else "supplier_taxes_id") or []))]

    def _after_create(self) -> None:
        self._refresh_moves()

    def _after_write(self, vals: dict[str, Any]) -> None:
        self._refresh_moves()

    @rpc
    def unlink(self) -> bool:
        moves = self._moves()
        super().unlink()
        self.env["account.move"].browse(moves)._recompute_amounts()
        return True

    def _moves(self) -> list[int]:
        return sorted({int(row["move_id"]) for row in self.rows if row.get("move_id") and not _is_dynamic(row)})

    def _refresh_moves(self) -> None:
        for line in self.rows:
            if not _is_dynamic(line):
                values = _line_amounts(self.env, line)
                if any(line.get(key) != value for key, value in values.items()):
                    self.env.store.update(self._name, line["id"], values, event=False)
        self.env["account.move"].browse(self._moves())._recompute_amounts()


def _line_amounts(env: Env, row: Row) -> dict[str, float]:
    if row.get("display_type") != "product":
        return {"price_subtotal": 0.0, "price_total": 0.0}
    subtotal = round(float(row.get("quantity") or 0.0) * float(row.get("price_unit") or 0.0), 2)
    taxes = sum(_tax_amount(env, tax, subtotal, row) for tax in row.get("tax_ids") or [])
    return {"price_subtotal": subtotal, "price_total": round(subtotal + taxes, 2)}


def _tax_amount(env: Env, tax_id: int, base: float, line: Row) -> float:
    tax = env.store.get("account.tax", tax_id) or {}
    if tax.get("amount_type") == "fixed":
        return round(float(tax.get("amount") or 0.0) * float(line.get("quantity") or 0.0), 2)
    return round(base * float(tax.get("amount") or 0.0) / 100.0, 2)


def sync_invoice_lines(env: Env, move: Row) -> dict[str, float]:
    """Bring a draft invoice's tax and payment-term lines in line with its product lines; returns the
    amounts (untaxed, tax, total) the move shows."""
    store = env.store
    lines = [row for row in store.table("account.move.line").values() if row.get("move_id") == move["id"]]
    products = [row for row in lines if row.get("display_type") == "product"]
    sign = PRODUCT_SIGN[str(move["move_type"])]
    untaxed = round(sum(float(row.get("price_subtotal") or 0.0) for row in products), 2)
    per_tax: dict[int, float] = {}
    for row in products:
        for tax_id in row.get("tax_ids") or []:
            amount = _tax_amount(env, tax_id, float(row.get("price_subtotal") or 0.0), row)
            per_tax[tax_id] = round(per_tax.get(tax_id, 0.0) + amount, 2)
        _set_balance(env, row, sign * float(row.get("price_subtotal") or 0.0), {})
    tax_total = round(sum(per_tax.values()), 2)
    total = round(untaxed + tax_total, 2)
    existing = {row.get("tax_line_id"): row for row in lines if row.get("display_type") == "tax"}
    for tax_id, amount in sorted(per_tax.items()):
        name = (store.get("account.tax", tax_id) or {}).get("name") or ""
        values = {"name": name, "tax_line_id": tax_id}
        _dynamic_line(env, move, existing.pop(tax_id, None), "tax", sign * amount, values)
    for stale in existing.values():
        store.delete("account.move.line", stale["id"])
    terms = [row for row in lines if row.get("display_type") == "payment_term"]
    for stale in terms[1:] if products else terms:
        store.delete("account.move.line", stale["id"])
    if products:
        due = move.get("invoice_date_due") or move.get("invoice_date") or move.get("date") or env.today()
        term = terms[0] if terms else None
        _dynamic_line(env, move, term, "payment_term", -sign * total, {"name": False, "date_maturity": due})
    return {"amount_untaxed": untaxed, "amount_tax": tax_total, "amount_total": total}


def _dynamic_line(env: Env, move: Row, row: Row | None, kind: str, balance: float, values: dict[str, Any]) -> None:
    if row is None:
        line_id = env.sudo()["account.move.line"]._create_one(
            {"move_id": move["id"], "display_type": kind, "quantity": 1.0, "sequence": 10_000, **values}
        )
        row = env.store.table("account.move.line")[line_id]
    _set_balance(env, row, balance, values)


def _set_balance(env: Env, row: Row, balance: float, values: dict[str, Any]) -> None:
    balance = round(balance, 2)
    wanted = {"balance": balance, "debit": max(balance, 0.0), "credit": max(-balance, 0.0), **values}
    if any(row.get(key) != value for key, value in wanted.items()):
        touch(env["account.move.line"].browse([row["id"]]), wanted)
