"""hr / hr_expense: employees, expenses, expense reports and the refuse wizard.

Odoo 16-18 approve expense reports (`hr.expense.sheet`); Odoo 19 has no reports: each `hr.expense` is
submitted (`action_submit`), approved (`action_approve`) or refused (the wizard with `expense_ids`)."""

from __future__ import annotations

from typing import Any

from .. import errors
from ..environment import Env
from ..fields import (
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Many2many,
    Many2one,
    Monetary,
    One2many,
    Row,
    Selection,
    Text,
)
from ..orm import Model, rpc
from ..writing import touch
from .mail import MailThread

APPROVERS = ("hr_expense.group_hr_expense_team_approver", "hr_expense.group_hr_expense_manager")
SHEET_STATES = [
    ("draft", "To Submit"),
    ("submit", "Submitted"),
    ("approve", "Approved"),
    ("post", "Posted"),
    ("done", "Done"),
    ("cancel", "Refused"),
]
EXPENSE_STATES = [
    ("draft", "To Report"),
    ("reported", "To Submit"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("done", "Done"),
    ("refused", "Refused"),
    ("posted", "Posted"),
    ("in_payment", "In Payment"),
    ("paid", "Paid"),
]
SHEET_TO_EXPENSE = {
    "draft": "reported",
    "submit": "submitted",
    "approve": "approved",
    "post": "approved",
    "done": "done",
    "cancel": "refused",
}


class HrEmployee(MailThread):
    _name = "hr.employee"
    _description = "Employee"
    _order = "name"
    _write_groups = ("hr.group_hr_user",)
    _abstract = False
    _fields = {
        "name": Char("Employee Name", required=True),
        "user_id": Many2one("res.users", "User"),
        "job_title": Char("Job Title"),
        "work_email": Char("Work Email"),
        "parent_id": Many2one("hr.employee", "Manager"),
        "expense_manager_id": Many2one("res.users", "Expense"),
        "company_id": Many2one("res.company", "Company", default=1),
        "active": Boolean("Active", default=True),
    }


def _expense_state(env: Env, row: Row) -> str:
    if env.sandbox.major >= 19:
        return str(row.get("state") or "draft")  # stored on the expense itself
    sheet = env.store.get("hr.expense.sheet", row.get("sheet_id") or 0)
    if sheet is None:
        return "draft"
    return SHEET_TO_EXPENSE.get(str(sheet.get("state")), "reported")


class HrExpense(MailThread):
    _name = "hr.expense"
    _description = "Expense"
    _order = "date desc, id desc"
    _abstract = False
    _fields = {
        "name": Char("Description", required=True),
        "employee_id": Many2one("hr.employee", "Employee", required=True),
        "product_id": Many2one("product.product", "Category"),
        "date": Date("Expense Date", default=lambda env: env.today()),
        "description": Text("Internal Notes"),
        "quantity": Float("Quantity", default=1.0),
        "total_amount_currency": Monetary("Total In Currency"),
        "total_amount": Monetary("Total", compute=lambda env, row, _m: float(row.get("total_amount_currency") or 0.0)),
        "currency_id": Many2one("res.currency", "Currency", default=1),
        "company_id": Many2one("res.company", "Company", default=1),
        "payment_mode": Selection(
            [("own_account", "Employee (to reimburse)"), ("company_account", "Company")],
            "Paid By",
            default="own_account",
        ),
        "sheet_id": Many2one("hr.expense.sheet", "Expense Report", until=18),
        "state": Selection(EXPENSE_STATES, "Status", compute=lambda env, row, _m: _expense_state(env, row)),
        "manager_id": Many2one("res.users", "Manager", since=19),
        "approval_date": Datetime("Approval Date", readonly=True, since=19),
    }

    def _after_create(self) -> None:
        if "hr.expense.sheet" in self.env:
            self.env["hr.expense.sheet"].sudo()._recompute_all()

    def _after_write(self, vals: dict[str, Any]) -> None:
        if {"sheet_id", "total_amount_currency"} & set(vals) and "hr.expense.sheet" in self.env:
            self.env["hr.expense.sheet"].sudo()._recompute_all()

    # -- Odoo 19: approval per expense ------------------------------------------------------------
    def _since_19(self, method: str) -> None:
        if self.env.sandbox.major < 19:
            raise errors.PyAttributeError(f"The method '{method}' does not exist on the model '{self._name}'")
        self._check_exists()

    def _states(self, allowed: tuple[str, ...], what: str) -> None:
        for expense in self:
            if _expense_state(self.env, expense.row) not in allowed:
                raise errors.UserError(f"You can only {what}.")

    @rpc
    def action_submit(self) -> None:
        """Submit to the manager; an expense manager's own expense is approved at once (as on 19.0)."""
        self._since_19("action_submit")
        self._states(("draft",), "submit draft expenses")
        for expense in self:
            employee = self.env.store.get("hr.employee", expense.row.get("employee_id") or 0) or {}
            own = employee.get("user_id") == self.env.uid
            if own and self.env.has_group("hr_expense.group_hr_expense_manager"):
                touch(expense, {"state": "approved", "approval_date": self.env.now(), "manager_id": self.env.uid})
            else:
                touch(expense, {"state": "submitted"})

    @rpc
    def action_approve(self) -> None:
        self._since_19("action_approve")
        if not _can_approve(self.env, {}):
            raise errors.UserError("Only Managers and HR Officers can approve expenses")
        self._states(("submitted",), "approve submitted expenses")
        touch(self, {"state": "approved", "approval_date": self.env.now()})
        for expense in self:
            if not expense.row.get("manager_id"):
                touch(expense, {"manager_id": self.env.uid})

    @rpc
    def action_refuse(self) -> dict[str, Any]:
        """Only opens the refuse wizard (with `expense_ids`): nothing is refused until its action_refuse."""
        self._since_19("action_refuse")
        if not _can_approve(self.env, {}):
            raise errors.UserError("Only Managers and HR Officers can refuse expenses")
        return {**REFUSE_ACTION, "context": {"default_expense_ids": list(self.ids)}}

    def _do_refuse(self, reason: str) -> None:
        self._states(("submitted", "approved"), "refuse submitted or approved expenses")
        touch(self, {"state": "refused"})
        for expense in self:
            expense._post(
                f"<p>Your Expense {expense.row.get('name')} has been refused</p><p>Reason: {reason}</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )


def _can_approve(env: Env, row: Row) -> bool:
    return env.has_group("hr_expense.group_hr_expense_manager") or env.has_group(
        "hr_expense.group_hr_expense_team_approver"
    )


class HrExpenseSheet(MailThread):
    _name = "hr.expense.sheet"
    _description = "Expense Report"
    _order = "accounting_date desc, id desc"
    _abstract = False
    _until = 18  # Odoo 19 approves each hr.expense instead
    _fields = {
        "name": Char("Expense Report Summary", required=True),
        "employee_id": Many2one("hr.employee", "Employee", required=True),
        "expense_line_ids": One2many("hr.expense", "sheet_id", "Expense Lines"),
        "state": Selection(SHEET_STATES, "Status", readonly=True, default="draft"),
        "approval_state": Selection(
            [("submit", "Submitted"), ("approve", "Approved"), ("cancel", "Refused")], "Approval State"
        ),
        "approval_date": Datetime("Approval Date", readonly=True),
        "accounting_date": Date("Accounting Date"),
        "total_amount": Monetary("Total", readonly=True),
        "user_id": Many2one("res.users", "Manager"),
        "can_approve": Boolean("Can Approve", compute=lambda env, row, _m: _can_approve(env, row)),
        "can_reset": Boolean("Can Reset", compute=lambda env, row, _m: True),
        "company_id": Many2one("res.company", "Company", default=1),
        "currency_id": Many2one("res.currency", "Currency", default=1),
        "payment_state": Selection(
            [("not_paid", "Not Paid"), ("in_payment", "In Payment"), ("paid", "Paid")],
            "Payment Status",
            default="not_paid",
        ),
    }

    def _after_create(self) -> None:
        self._recompute_all()

    def _after_write(self, vals: dict[str, Any]) -> None:
        if "expense_line_ids" in vals:
            self._recompute_all()

    def _recompute_all(self) -> None:
        totals: dict[int, float] = {}
        for expense in self.env.store.table("hr.expense").values():
            if expense.get("sheet_id"):
                totals[expense["sheet_id"]] = totals.get(expense["sheet_id"], 0.0) + float(
                    expense.get("total_amount_currency") or 0.0
                )
        for rid, sheet in self.env.store.table(self._name).items():
            total = round(totals.get(rid, 0.0), 2)
            if sheet.get("total_amount") != total:
                touch(self.browse([rid]), {"total_amount": total})

    def _set_state(self, state: str, **extra: Any) -> None:
        approval = {"draft": False, "submit": "submit", "approve": "approve", "cancel": "cancel"}.get(state, "approve")
        touch(self, {"state": state, "approval_state": approval, **extra})

    def _check_approver(self) -> None:
        if not _can_approve(self.env, {}):
            raise errors.UserError("Only Managers and HR Officers can approve expenses")

    @rpc
    def action_submit_sheet(self) -> None:
        self._check_exists()
        for sheet in self:
            if sheet.row.get("state") != "draft":
                raise errors.UserError("You can only submit draft expense reports.")
        self._set_state("submit")

    @rpc
    def action_approve_expense_sheets(self) -> None:
        self._check_exists()
        self._check_approver()
        for sheet in self:
            if sheet.row.get("state") != "submit":
                raise errors.UserError("You can only approve a submitted expense report.")
        self._set_state("approve", approval_date=self.env.now())
        for sheet in self:
            if not sheet.row.get("user_id"):
                touch(sheet, {"user_id": self.env.uid})

    @rpc
    def action_refuse_expense_sheets(self) -> dict[str, Any]:
        """Only opens the refuse wizard: nothing is refused until the wizard's action_refuse."""
        self._check_exists()
        self._check_approver()
        return dict(REFUSE_ACTION)

    @rpc
    def action_reset_expense_sheets(self) -> None:
        self._check_exists()
        self._set_state("draft", approval_date=False)

    @rpc
    def action_reset_approval_expense_sheets(self) -> None:
        self.action_reset_expense_sheets()

    def _do_refuse(self, reason: str) -> None:
        self._set_state("cancel")
        for sheet in self:
            sheet._post(
                f"<p>Your Expense {sheet.row.get('name')} has been refused</p><p>Reason: {reason}</p>",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )


REFUSE_ACTION: dict[str, Any] = {
    "id": 468,
    "name": "Refuse Expense",
    "type": "ir.actions.act_window",
    "xml_id": "hr_expense.hr_expense_refuse_wizard_action",
    "path": False,
    "help": False,
    "binding_model_id": False,
    "binding_type": "action",
    "binding_view_types": "list,form",
    "display_name": "Refuse Expense",
    "view_id": [1262, "hr.expense.refuse.wizard.form"],
    "domain": False,
    "context": "{'dialog_size': 'medium'}",
    "res_id": 0,
    "res_model": "hr.expense.refuse.wizard",
    "target": "new",
    "view_mode": "form",
    "mobile_view_mode": "kanban",
    "views": [[1262, "form"]],
    "limit": 80,
    "groups_id": [],
    "search_view_id": False,
    "embedded_action_ids": [],
    "filter": False,
}


class HrExpenseRefuseWizard(Model):
    _name = "hr.expense.refuse.wizard"
    _description = "Expense Refuse Reason Wizard"
    _rec_name = "reason"
    _abstract = False
    _fields = {
        "reason": Char("Reason", required=True),
        "sheet_ids": Many2many("hr.expense.sheet", "Expense Reports", until=18),
        "hr_expense_ids": Many2many("hr.expense", "Expenses", until=18),
        "expense_ids": Many2many("hr.expense", "Expenses", since=19),
    }

    @rpc
    def action_refuse(self) -> dict[str, Any]:
        self._check_exists()
        for wizard in self:
            row = wizard.row
            if self.env.sandbox.major >= 19:
                if not _can_approve(self.env, {}):
                    raise errors.UserError("Only Managers and HR Officers can refuse expenses")
                expenses = self.env["hr.expense"].browse(list(row.get("expense_ids") or []))
                expenses._do_refuse(str(row.get("reason") or ""))
                continue
            sheets = self.env["hr.expense.sheet"].browse(list(row.get("sheet_ids") or []))
            sheets._check_approver()
            sheets._do_refuse(str(row.get("reason") or ""))
        return {"type": "ir.actions.act_window_close"}
