"""Searching, reading, grouping and writing behave like Odoo's ORM."""

from __future__ import annotations

import pytest

from apps.odoo_sandbox.errors import MissingError, OdooError, PyValueError, ValidationError
from apps.odoo_sandbox.server import SandboxServer


def search(odoo: SandboxServer, model: str, domain: list, **kw: object) -> list[int]:
    return odoo.execute("admin", model, "search", [domain], dict(kw))


def test_it_evaluates_comparison_and_set_operators(sandbox: SandboxServer) -> None:
    everything = set(search(sandbox, "purchase.order", []))
    waiting = set(search(sandbox, "purchase.order", [("state", "=", "to approve")]))
    assert waiting
    assert set(search(sandbox, "purchase.order", [("state", "!=", "to approve")])) == everything - waiting
    assert set(search(sandbox, "purchase.order", [("state", "in", ["to approve"])])) == waiting
    assert set(search(sandbox, "purchase.order", [("state", "not in", ["to approve"])])) == everything - waiting
    big = set(search(sandbox, "purchase.order", [("amount_total", ">", 1000)]))
    small = set(search(sandbox, "purchase.order", [("amount_total", "<=", 1000)]))
    assert big
    assert small
    assert big | small == everything
    assert not big & small
    assert set(search(sandbox, "purchase.order", [("amount_total", ">=", 1000)])) >= big
    assert set(search(sandbox, "purchase.order", [("amount_total", "<", 1000)])) <= small


def test_it_evaluates_like_ilike_and_optional_equality(sandbox: SandboxServer) -> None:
    milk = search(sandbox, "product.product", [("name", "ilike", "MILK")])
    assert len(milk) == 1
    assert search(sandbox, "product.product", [("name", "like", "MILK")]) == []
    assert search(sandbox, "product.product", [("name", "=like", "Semi%")]) == milk
    assert set(search(sandbox, "product.product", [("name", "=?", False)])) == set(
        search(sandbox, "product.product", [])
    )
    assert search(sandbox, "product.product", [("default_code", "=?", "MLK-1L")]) == milk


def test_it_combines_and_or_not(sandbox: SandboxServer) -> None:
    drafts = set(search(sandbox, "purchase.order", [("state", "=", "draft")]))
    waiting = set(search(sandbox, "purchase.order", [("state", "=", "to approve")]))
    either = search(sandbox, "purchase.order", ["|", ("state", "=", "draft"), ("state", "=", "to approve")])
    assert set(either) == drafts | waiting
    assert search(sandbox, "purchase.order", ["&", ("state", "=", "draft"), ("state", "=", "to approve")]) == []
    negated = set(search(sandbox, "purchase.order", ["!", ("state", "=", "draft")]))
    assert negated == set(search(sandbox, "purchase.order", [])) - drafts


def test_it_follows_dotted_paths_through_many2one(sandbox: SandboxServer) -> None:
    n01 = search(sandbox, "purchase.order", [("picking_type_id.warehouse_id.code", "=", "N01")])
    assert n01
    rows = sandbox.execute("admin", "purchase.order", "read", [n01, ["picking_type_id"]])
    types = {row["picking_type_id"][0] for row in rows}
    warehouses = sandbox.execute("admin", "stock.picking.type", "read", [sorted(types), ["warehouse_id"]])
    assert {w["warehouse_id"][0] for w in warehouses} == {2}
    internal_negative = search(sandbox, "stock.quant", [("quantity", "<", 0), ("location_id.usage", "=", "internal")])
    assert internal_negative, "the seed keeps a few negative quants for the stock exception feeds"


def test_it_rejects_unknown_fields_in_domains(sandbox: SandboxServer) -> None:
    with pytest.raises(PyValueError, match=r"Invalid field purchase\.order\.nope"):
        search(sandbox, "purchase.order", [("nope", "=", 1)])


def test_it_orders_and_pages_by_write_date_then_id(sandbox: SandboxServer) -> None:
    fields = {"fields": ["write_date"], "order": "write_date asc, id asc"}
    full = sandbox.execute("admin", "purchase.order", "search_read", [[]], fields)
    keys = [(r["write_date"], r["id"]) for r in full]
    assert keys == sorted(keys)
    pages = []
    for offset in range(0, len(full), 7):
        pages += sandbox.execute(
            "admin", "purchase.order", "search_read", [[]], {**fields, "limit": 7, "offset": offset}
        )
    assert pages == full


def test_it_groups_lazily_and_eagerly(sandbox: SandboxServer) -> None:
    eager = sandbox.execute(
        "admin", "purchase.order", "read_group", [[], ["amount_total:sum"], ["state"]], {"lazy": False}
    )
    lazy = sandbox.execute(
        "admin", "purchase.order", "read_group", [[], ["amount_total:sum"], ["state"]], {"lazy": True}
    )
    assert [g["state"] for g in eager] == sorted(g["state"] for g in eager)
    assert sum(g["__count"] for g in eager) == len(search(sandbox, "purchase.order", []))
    assert [g["state_count"] for g in lazy] == [g["__count"] for g in eager]
    waiting = next(g for g in eager if g["state"] == "to approve")
    assert waiting["__domain"] == [["state", "=", "to approve"]]
    ids = search(sandbox, "purchase.order", waiting["__domain"])
    totals = sandbox.execute("admin", "purchase.order", "read", [ids, ["amount_total"]])
    assert waiting["amount_total"] == pytest.approx(sum(t["amount_total"] for t in totals))
    by_warehouse = sandbox.execute(
        "admin",
        "stock.quant",
        "read_group",
        [[("inventory_quantity_set", "=", True)], ["quantity:sum"], ["warehouse_id"]],
        {"lazy": False},
    )
    assert len(by_warehouse) == 24
    assert by_warehouse[0]["warehouse_id"][1] == "Leeds Kirkgate"


def test_it_keeps_write_date_monotonic(sandbox: SandboxServer) -> None:
    po = search(sandbox, "purchase.order", [("state", "=", "draft")], limit=1)
    seen = []
    for i in range(5):
        sandbox.execute("admin", "purchase.order", "write", [po, {"notes": f"<p>{i}</p>"}])
        seen.append(sandbox.execute("admin", "purchase.order", "read", [po, ["write_date"]])[0]["write_date"])
    assert seen == sorted(seen)
    newest = sandbox.execute(
        "admin",
        "purchase.order",
        "search_read",
        [[]],
        {"fields": ["write_date"], "order": "write_date desc, id desc", "limit": 1},
    )
    assert newest[0]["id"] == po[0]
    assert search(sandbox, "purchase.order", [("write_date", ">=", seen[-1])]) == po


def test_it_reads_many2one_as_id_and_name_and_missing_ids_as_nothing(sandbox: SandboxServer) -> None:
    po = search(sandbox, "purchase.order", [], limit=1)
    row = sandbox.execute(
        "admin", "purchase.order", "read", [[*po, 999999], ["partner_id", "date_order", "dest_address_id"]]
    )
    assert len(row) == 1
    assert isinstance(row[0]["partner_id"][0], int)
    assert isinstance(row[0]["partner_id"][1], str)
    assert row[0]["dest_address_id"] is False
    assert len(row[0]["date_order"]) == 19


def test_it_rolls_back_a_failing_call_and_reports_missing_records(sandbox: SandboxServer) -> None:
    before = sandbox.execute("admin", "purchase.order", "search_count", [[]])
    with pytest.raises(ValidationError):
        sandbox.execute("admin", "purchase.order", "create", [{"order_line": [(0, 0, {"product_id": 1})]}])
    assert sandbox.execute("admin", "purchase.order", "search_count", [[]]) == before
    with pytest.raises(MissingError, match=r"purchase.order\(999999,\)"):
        sandbox.execute("admin", "purchase.order", "write", [[999999], {"notes": "x"}])


def test_it_applies_x2many_commands(sandbox: SandboxServer) -> None:
    tags = [sandbox.execute("admin", "project.tags", "create", [{"name": n}]) for n in ("a", "b", "c")]
    task = sandbox.execute("admin", "project.task", "create", [{"name": "T", "tag_ids": [(6, 0, tags[:2])]}])
    sandbox.execute("admin", "project.task", "write", [[task], {"tag_ids": [(4, tags[2]), (3, tags[0])]}])
    assert sandbox.execute("admin", "project.task", "read", [[task], ["tag_ids"]])[0]["tag_ids"] == tags[1:]
    assert search(sandbox, "project.task", [("tag_ids", "in", [tags[2]])]) == [task]


def test_it_starts_as_a_stock_odoo_without_a_store_field(sandbox: SandboxServer) -> None:
    for model in ("account.move", "hr.expense.sheet", "maintenance.request", "project.task"):
        info = sandbox.execute("admin", model, "fields_get", [["x_store_warehouse_id"]], {"attributes": ["type"]})
        assert info == {}
        with pytest.raises(OdooError) as invalid:
            sandbox.execute("admin", model, "search", [[("x_store_warehouse_id", "=", 2)]])
        assert invalid.value.name == "builtins.ValueError"
    assert sandbox.execute("admin", "ir.model.fields", "search_count", [[("state", "=", "manual")]]) == 0


def test_it_refuses_private_and_unknown_methods(sandbox: SandboxServer) -> None:
    with pytest.raises(OdooError) as private:
        sandbox.execute("admin", "purchase.order", "_approval_allowed", [[1]])
    assert private.value.name == "odoo.exceptions.AccessError"
    with pytest.raises(OdooError) as unknown:
        sandbox.execute("admin", "purchase.order", "button_reject", [[1]])
    assert unknown.value.name == "builtins.AttributeError"
