"""Invoices and refunds carry tax and payment-term lines beside their product lines, as in Odoo."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Rpc

LINE_FIELDS = ["display_type", "product_id", "quantity", "price_unit", "price_subtotal", "price_total",
               "tax_line_id", "debit", "credit", "balance"]


def taxed_product(rpc: Rpc) -> int:
    return rpc("admin", "product.product", "search", [("sale_ok", "=", True), ("taxes_id", "!=", False)], limit=1)[0]


def customer(rpc: Rpc) -> int:
    return rpc("admin", "res.partner", "search", [("is_company", "=", True)], limit=1)[0]


def new_move(rpc: Rpc, move_type: str, **line: Any) -> int:
    vals = {"move_type": move_type, "partner_id": customer(rpc), "invoice_line_ids": [(0, 0, line)]}
    return rpc("admin", "account.move", "create", vals)


def lines(rpc: Rpc, move: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"product": [], "tax": [], "payment_term": []}
    for row in rpc("admin", "account.move.line", "search_read", [("move_id", "=", move)], LINE_FIELDS):
        out[row["display_type"]].append(row)
    return out


def amounts(rpc: Rpc, move: int) -> dict[str, Any]:
    fields = ["amount_untaxed", "amount_tax", "amount_total", "amount_residual", "invoice_line_ids", "line_ids"]
    return rpc("admin", "account.move", "read", [move], fields)[0]


def test_it_gives_a_taxed_refund_a_tax_line_and_a_payment_term_line(rpc: Rpc) -> None:
    product = taxed_product(rpc)
    tax = rpc("admin", "product.product", "read", [product], ["taxes_id"])[0]["taxes_id"]
    assert rpc("admin", "account.tax", "read", tax, ["name", "amount", "type_tax_use"])[0]["amount"] == 15.0
    move = new_move(rpc, "out_refund", product_id=product, price_unit=25)
    found = lines(rpc, move)
    assert [len(found[kind]) for kind in ("product", "tax", "payment_term")] == [1, 1, 1]
    line = found["product"][0]
    assert line["product_id"][0] == product
    assert [line[key] for key in ("quantity", "price_unit", "price_subtotal", "price_total")] == [1.0, 25, 25, 28.75]
    assert found["tax"][0]["tax_line_id"][0] == tax[0]
    assert found["tax"][0]["price_subtotal"] == 0.0
    # A refund debits income and tax and credits the customer's receivable: the entry balances.
    assert (line["debit"], found["tax"][0]["debit"], found["payment_term"][0]["credit"]) == (25.0, 3.75, 28.75)
    assert sum(row["balance"] for rows in found.values() for row in rows) == pytest.approx(0.0)
    totals = amounts(rpc, move)
    assert (totals["amount_untaxed"], totals["amount_tax"], totals["amount_total"], totals["amount_residual"]) == (
        25.0, 3.75, 28.75, 28.75
    )
    assert totals["invoice_line_ids"] == [line["id"]]
    assert totals["line_ids"] == [line["id"], found["tax"][0]["id"], found["payment_term"][0]["id"]]
    taxes = [("move_id", "=", move), ("display_type", "=", "tax")]
    assert rpc("admin", "account.move.line", "search_count", taxes) == 1


def test_it_keeps_one_tax_line_per_tax_as_product_lines_change(rpc: Rpc) -> None:
    product = taxed_product(rpc)
    move = new_move(rpc, "out_invoice", product_id=product, price_unit=10)
    tax_line = lines(rpc, move)["tax"][0]["id"]
    rpc("admin", "account.move", "write", [move],
        {"invoice_line_ids": [(0, 0, {"product_id": product, "quantity": 2, "price_unit": 20})]})
    found = lines(rpc, move)
    assert [row["id"] for row in found["tax"]] == [tax_line]
    assert found["tax"][0]["credit"] == 7.5  # 15% of 50, credited on a customer invoice
    assert found["payment_term"][0]["debit"] == 57.5
    assert amounts(rpc, move)["amount_total"] == 57.5
    first = found["product"][0]["id"]
    rpc("admin", "account.move.line", "write", [first], {"quantity": 3})
    assert amounts(rpc, move)["amount_total"] == 80.5
    rpc("admin", "account.move", "write", [move], {"invoice_line_ids": [(2, first)]})
    assert amounts(rpc, move)["amount_total"] == 46.0
    rpc("admin", "account.move.line", "write", [found["product"][1]["id"]], {"tax_ids": [(5,)]})
    found = lines(rpc, move)
    assert found["tax"] == []
    assert (amounts(rpc, move)["amount_tax"], found["payment_term"][0]["debit"]) == (0.0, 40.0)


def test_it_leaves_untaxed_lines_untaxed(rpc: Rpc) -> None:
    move = new_move(rpc, "out_refund", name="Returned", price_unit=25)
    found = lines(rpc, move)
    assert [len(found[kind]) for kind in ("product", "tax", "payment_term")] == [1, 0, 1]
    assert amounts(rpc, move)["amount_total"] == 25.0
    assert rpc("admin", "account.move", "action_post", [move]) is False


def test_it_gives_new_products_the_default_sales_tax(rpc: Rpc) -> None:
    product = rpc("admin", "product.product", "create", {"name": "Gift card"})
    tax = rpc("admin", "product.product", "read", [taxed_product(rpc)], ["taxes_id"])[0]["taxes_id"]
    assert rpc("admin", "product.product", "read", [product], ["taxes_id", "supplier_taxes_id"])[0] == {
        "id": product, "taxes_id": tax, "supplier_taxes_id": []
    }
