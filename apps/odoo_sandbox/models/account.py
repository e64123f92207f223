"""account: journal entries, invoices and credit notes (customer refunds) with their lines."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..fields import (
    Char,
    Date,
    Html,
    Many2one,
    Monetary,
    One2many,
    Row,
    Selection,
)
from ..orm import rpc
from ..writing import touch
from .account_lines import INVOICE_DISPLAY, PRODUCT_SIGN, sync_invoice_lines
from .mail import MailThread

ACCOUNT_GROUPS = ("account.group_account_invoice", "account.group_account_manager")
MOVE_TYPES = [
    ("entry", "Journal Entry"),
    ("out_invoice", "Customer Invoice"),
    ("out_refund", "Customer Credit Note"),
    ("in_invoice", "Vendor Bill"),
    ("in_refund", "Vendor Credit Note"),
    ("out_receipt", "Sales Receipt"),
    ("in_receipt", "Purchase Receipt"),
]
PREFIXES = {
    "entry": "MISC",
    "out_invoice": "INV",
    "out_refund": "RINV",
    "in_invoice": "BILL",
    "in_refund": "RBILL",
    "out_receipt": "RCPT",
    "in_receipt": "PREC",
}


def _is_invoice(row: Row) -> bool:
    return row.get("move_type") not in (None, False, "entry")


class AccountMove(MailThread):
    _name = "account.move"
    _description = "Journal Entry"
    _order = "date desc, name desc, id desc"
    _groups = (*ACCOUNT_GROUPS, "purchase.group_purchase_user")
    _write_groups = ACCOUNT_GROUPS
    _abstract = False
    _fields = {
        # A draft is numbered "/" until posted; Odoo 19 leaves its name empty (false) instead.
        "name": Char("Number", default=lambda env: "/" if env.sandbox.major < 19 else False),
        "ref": Char("Reference"),
        "move_type": Selection(MOVE_TYPES, "Type", required=True, default="entry"),
        "state": Selection(
            [("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
            "Status",
            required=True,
            readonly=True,
            default="draft",
        ),
        "date": Date("Date", required=True, default=lambda env: env.today()),
        "invoice_date": Date("Invoice/Bill Date"),
        "invoice_date_due": Date("Due Date"),
        "partner_id": Many2one("res.partner", "Partner"),
        "invoice_user_id": Many2one("res.users", "Salesperson"),
        "invoice_origin": Char("Origin"),
        "narration": Html("Terms and Conditions"),
        "currency_id": Many2one("res.currency", "Currency", required=True, default=1),
        "company_id": Many2one("res.company", "Company", required=True, default=1),
        "invoice_line_ids": One2many(
            "account.move.line", "move_id", "Invoice lines", where=lambda ln: ln.get("display_type") in INVOICE_DISPLAY
        ),
        "line_ids": One2many("account.move.line", "move_id", "Journal Items"),
        "amount_untaxed": Monetary("Untaxed Amount", readonly=True),
        "amount_tax": Monetary("Tax", readonly=True),
        "amount_total": Monetary("Total", readonly=True),
        "amount_residual": Monetary("Amount Due", readonly=True),
        "payment_state": Selection(
            [
                ("not_paid", "Not Paid"),
                ("in_payment", "In Payment"),
                ("paid", "Paid"),
                ("partial", "Partially Paid"),
                ("reversed", "Reversed"),
            ],
            "Payment Status",
            default="not_paid",
        ),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        if _is_invoice({"move_type": vals.get("move_type", "entry")}):
            vals.setdefault("invoice_user_id", self.env.uid)

    def _after_create(self) -> None:
        self._recompute_amounts()

    def _after_write(self, vals: dict[str, Any]) -> None:
        if "invoice_line_ids" in vals or "line_ids" in vals:
            self._recompute_amounts()

    def _recompute_amounts(self) -> None:
        """Totals from the lines: an invoice or refund also syncs its tax and payment-term lines, so that
        amount_total includes the taxes; a plain entry sums its lines."""
        lines = self.env.store.table("account.move.line")
        for move in self.exists():
            row = move.row
            if row.get("move_type") in PRODUCT_SIGN:
                amounts = sync_invoice_lines(self.env, row)
            else:
                total = round(sum(float(ln.get("price_subtotal") or 0.0) for ln in lines.values()
                                  if ln.get("move_id") == move.id), 2)
                amounts = {"amount_untaxed": total, "amount_tax": 0.0, "amount_total": total}
            amounts["amount_residual"] = amounts["amount_total"] if row.get("payment_state") == "not_paid" else 0.0
            if any(row.get(key) != value for key, value in amounts.items()):
                touch(move, amounts)

    @rpc
    def action_post(self) -> bool:
        """Post draft entries; returns False like Odoo (not None, so there is a `result`)."""
        self._check_exists()
        self._check_access("write")
        for move in self:
            row = move.row
            if row.get("state") != "draft":
                raise errors.UserError(f"The entry {row.get('name')} (id {move.id}) must be in draft.")
            if not any(line.get("move_id") == move.id for line in self.env.store.table("account.move.line").values()):
                raise errors.UserError("You need to add a line before posting.")
            if _is_invoice(row) and not row.get("partner_id"):
                raise errors.UserError(
                    "The field 'Customer' is required, please complete it to validate the Customer Invoice."
                )
            name = row.get("name")
            if not name or name == "/":
                year = str(row.get("date") or self.env.today())[:4]
                prefix = PREFIXES.get(str(row.get("move_type")), "MISC")
                name = f"{prefix}/{year}/{self.env.store.next_sequence(f'{prefix}/{year}'):05d}"
            values: dict[str, Any] = {"state": "posted", "name": name}
            if _is_invoice(row) and not row.get("invoice_date"):
                values["invoice_date"] = self.env.today()
            touch(move, values)
        return False

    @rpc
    def button_cancel(self) -> None:
        self._check_exists()
        self._check_access("write")
        for move in self:
            if move.row.get("state") != "draft":
                raise errors.UserError("Only draft journal entries can be cancelled.")
        touch(self, {"state": "cancel"})

    @rpc
    def button_draft(self) -> None:
        self._check_exists()
        self._check_access("write")
        for move in self:
            if move.row.get("state") not in ("posted", "cancel"):
                raise errors.UserError("Only posted/cancelled journal entries can be reset to draft.")
        touch(self, {"state": "draft"})

    def _check_unlink(self) -> None:
        for move in self:
            if move.row.get("state") == "posted":
                raise errors.UserError("You cannot delete an entry which has been posted once.")
        for rid, line in list(self.env.store.table("account.move.line").items()):
            if line.get("move_id") in self.ids:
                self.env.store.delete("account.move.line", rid)
