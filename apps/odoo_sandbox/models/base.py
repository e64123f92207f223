"""base and product: companies, currencies, partners, users, products."""

from __future__ import annotations

from typing import Any

from ..environment import Env
from ..errors import AccessError
from ..fields import Boolean, Char, Datetime, Float, Integer, Many2many, Many2one, Row, Selection, Text
from ..orm import Model, rpc

DEFAULT_SALE_TAX = "account.1_sale_tax_template"
PURCHASE_OR_STOCK = ("purchase.group_purchase_user", "stock.group_stock_user", "account.group_account_invoice")


class ResCurrency(Model):
    _name = "res.currency"
    _description = "Currency"
    _abstract = False
    _fields = {
        "name": Char("Currency", required=True),
        "full_name": Char("Name"),
        "symbol": Char("Symbol"),
        "rounding": Float("Rounding Factor", default=0.01),
        "active": Boolean("Active", default=True),
    }


class ResCompany(Model):
    _name = "res.company"
    _description = "Companies"
    _order = "sequence, name"
    _write_groups = ("base.group_system",)
    _abstract = False
    _fields = {
        "name": Char("Company Name", required=True),
        "sequence": Integer("Sequence", default=10),
        "partner_id": Many2one("res.partner", "Partner"),
        "currency_id": Many2one("res.currency", "Currency", default=1),
        "email": Char("Email"),
        "active": Boolean("Active", default=True),
        "po_double_validation": Selection(
            [
                ("one_step", "Confirm purchase orders in one step"),
                ("two_step", "Get 2 levels of approvals to confirm a purchase order"),
            ],
            "Levels of Approvals",
            default="one_step",
        ),
        "po_double_validation_amount": Float("Double validation amount", default=5000.0),
        "po_lock": Selection(
            [("edit", "Allow to edit purchase orders"), ("lock", "Confirmed purchase orders are not editable")],
            "Purchase Order Modification",
            default="edit",
        ),
    }


def _partner_display(env: Env, row: Row) -> str:
    name = row.get("name") or ""
    parent = row.get("parent_id")
    if parent and not row.get("is_company"):
        parent_row = env.store.get("res.partner", parent)
        if parent_row:
            return f"{parent_row.get('name')}, {name}"
    return str(name)


class ResPartner(Model):
    _name = "res.partner"
    _description = "Contact"
    _order = "complete_name ASC, id DESC"
    _abstract = False
    _fields = {
        "name": Char("Name"),
        "complete_name": Char("Complete Name", compute=lambda env, row, _m: _partner_display(env, row)),
        "is_company": Boolean("Is a Company", default=False),
        "parent_id": Many2one("res.partner", "Related Company"),
        "type": Selection(
            [
                ("contact", "Contact"),
                ("invoice", "Invoice Address"),
                ("delivery", "Delivery Address"),
                ("other", "Other Address"),
            ],
            "Address Type",
            default="contact",
        ),
        "email": Char("Email"),
        "phone": Char("Phone"),
        "street": Char("Street"),
        "city": Char("City"),
        "zip": Char("Zip"),
        "vat": Char("Tax ID"),
        "ref": Char("Reference"),
        "comment": Text("Notes"),
        "supplier_rank": Integer("Supplier Rank", default=0),
        "customer_rank": Integer("Customer Rank", default=0),
        "company_id": Many2one("res.company", "Company"),
        "user_id": Many2one("res.users", "Salesperson"),
        "active": Boolean("Active", default=True),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        return _partner_display(env, row)


class ResGroups(Model):
    _name = "res.groups"
    _description = "Access Groups"
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "full_name": Char("Group Name"),
        "xml_id": Char("External ID"),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        return str(row.get("full_name") or row.get("name"))


def _user_groups(env: Env, row: Row, _model: str) -> list[int]:
    wanted = set(row.get("_groups", ()))
    return [rid for rid, group in env.store.table("res.groups").items() if group.get("xml_id") in wanted]


class ResUsers(Model):
    _name = "res.users"
    _description = "User"
    _order = "name, login"
    _write_groups = ("base.group_system",)
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "login": Char("Login", required=True),
        "partner_id": Many2one("res.partner", "Related Partner"),
        "company_id": Many2one("res.company", "Company", default=1),
        "company_ids": Many2many("res.company", "Companies", default=lambda env: [1]),
        "email": Char("Email"),
        "lang": Char("Language", default="en_US"),
        "tz": Char("Timezone", default="Europe/London"),
        "share": Boolean("Share User", default=False),
        "active": Boolean("Active", default=True),
        "groups_id": Many2many("res.groups", "Groups", compute=_user_groups),
        "login_date": Char("Latest authentication", readonly=True),
    }

    @rpc(model=True)
    def context_get(self) -> dict[str, Any]:
        row = self.env.store.get("res.users", self.env.uid) or {}
        return {"lang": row.get("lang") or "en_US", "tz": row.get("tz") or "Europe/London", "uid": self.env.uid}

    @rpc
    def has_group(self, group_ext_id: str) -> bool:
        self.ensure_one()
        return group_ext_id in set(self.row.get("_groups", ())) or "base.group_system" in set(
            self.row.get("_groups", ())
        )

    def _check_access(self, operation: str) -> None:
        if operation == "write" and self.ids == [self.env.uid]:
            return
        if operation != "read" and not self.env.su and not self.env.has_group("base.group_system"):
            raise AccessError("You are not allowed to modify 'User' (res.users) records.")
        super()._check_access(operation)


def _product_display(row: Row) -> str:
    code = row.get("default_code")
    return f"[{code}] {row.get('name')}" if code else str(row.get("name"))


def _qty_available(env: Env, row: Row, _model: str) -> float:
    locations = env.store.table("stock.location")
    return float(
        sum(
            float(quant.get("quantity") or 0.0)
            for quant in env.store.table("stock.quant").values()
            if quant.get("product_id") == row["id"]
            and (locations.get(quant.get("location_id") or 0) or {}).get("usage") == "internal"
        )
    )


def _default_taxes(env: Env) -> list[int]:
    """The company's default sales tax, which Odoo puts on every new product."""
    found = env.store.xmlids.get(DEFAULT_SALE_TAX)
    return [found[1]] if found else []


class ProductProduct(Model):
    _name = "product.product"
    _description = "Product Variant"
    _order = "default_code, name, id"
    _write_groups = ("purchase.group_purchase_manager", "stock.group_stock_manager")
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "default_code": Char("Internal Reference"),
        "barcode": Char("Barcode"),
        "type": Selection(
            [("consu", "Goods"), ("service", "Service"), ("combo", "Combo")], "Product Type", default="consu"
        ),
        "is_storable": Boolean("Track Inventory", default=False),
        "purchase_ok": Boolean("Purchase", default=True),
        "purchase_method": Selection(
            [("purchase", "On ordered quantities"), ("receive", "On received quantities")],
            "Control Policy",
            default="receive",
        ),
        "sale_ok": Boolean("Sales", default=True),
        "can_be_expensed": Boolean("Expenses", default=False),
        "list_price": Float("Sales Price", default=1.0),
        "standard_price": Float("Cost", default=0.0),
        "uom_name": Char("Unit of Measure Name", default="Units"),
        "qty_available": Float("Quantity On Hand", compute=_qty_available),
        "taxes_id": Many2many("account.tax", "Sales Taxes", default=lambda env: _default_taxes(env)),
        "supplier_taxes_id": Many2many("account.tax", "Purchase Taxes"),
        "company_id": Many2one("res.company", "Company"),
        "active": Boolean("Active", default=True),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        return _product_display(row)


class ResUsersApikeys(Model):
    """A user's API keys (the key itself is never stored or shown: the sandbox derives it, see
    `Sandbox.api_key_for`). Only Settings admins read them, as on Odoo. From 19 here, where the
    portal needs them (JSON-2); a non-admin's key expires (90 days by default)."""

    _name = "res.users.apikeys"
    _description = "Users API Keys"
    _groups = ("base.group_system",)
    _abstract = False
    _since = 19
    _fields = {
        "name": Char("Description", required=True),
        "user_id": Many2one("res.users", "User", required=True),
        "scope": Char("Scope"),
        "expiration_date": Datetime("Expiration Date"),
    }
