"""Custom fields made over RPC (ir.model.fields, state 'manual') and form views that show them."""

from __future__ import annotations

from typing import Any

import pytest

from apps.odoo_sandbox.server import SandboxServer

from .conftest import Rpc


def error_of(rpc: Rpc, login: str, model: str, method: str, *args: Any) -> str:
    body = rpc.answer(login, model, method, list(args))
    assert "error" in body, body
    return str(body["error"]["data"]["name"])


def model_id(rpc: Rpc, model: str) -> int:
    return rpc("admin", "ir.model", "search", [("model", "=", model)])[0]


def after(anchor: str, fname: str) -> str:
    """An inheriting arch adding `fname` after the field `anchor`."""
    xpath = f"<xpath expr=\"//field[@name='{anchor}']\" position=\"after\">"
    return f"<data>{xpath}<field name=\"{fname}\"/></xpath></data>"


def add_field(rpc: Rpc, name: str, ttype: str = "many2one", **extra: Any) -> int:
    vals = {"name": name, "model_id": model_id(rpc, "project.task"), "ttype": ttype, "field_description": name,
            "state": "manual", **extra}
    if ttype == "many2one":
        vals.setdefault("relation", "stock.warehouse")
        vals.setdefault("on_delete", "set null")
    return rpc("admin", "ir.model.fields", "create", vals)


def test_it_adds_reads_writes_searches_and_removes_a_custom_field(rpc: Rpc) -> None:
    field_id = add_field(rpc, "x_ct_store")
    row = rpc("admin", "ir.model.fields", "read", [field_id], ["name", "model", "ttype", "relation", "state", "store"])
    assert row == [{"id": field_id, "name": "x_ct_store", "model": "project.task", "ttype": "many2one",
                    "relation": "stock.warehouse", "state": "manual", "store": True}]
    described = rpc("admin", "project.task", "fields_get", ["x_ct_store"])["x_ct_store"]
    assert described["type"] == "many2one"
    assert described["relation"] == "stock.warehouse"
    assert described["store"] is True
    assert described["manual"] is True
    tasks = rpc("admin", "project.task", "search", [], limit=2, order="id asc")
    warehouses = rpc("admin", "stock.warehouse", "search", [], limit=2, order="id asc")
    assert rpc("admin", "project.task", "write", [tasks[0]], {"x_ct_store": warehouses[1]}) is True
    new = rpc("admin", "project.task", "create", {"name": "Tagged at birth", "x_ct_store": warehouses[0]})
    found = rpc("admin", "project.task", "search_read", [("x_ct_store", "!=", False)], ["x_ct_store"],
                order="x_ct_store asc, id asc")
    assert {row["id"] for row in found} == {tasks[0], new}
    assert all(isinstance(row["x_ct_store"], list) and isinstance(row["x_ct_store"][1], str) for row in found)
    code = rpc("admin", "stock.warehouse", "read", [warehouses[1]], ["code"])[0]["code"]
    assert rpc("admin", "project.task", "search", [("x_ct_store.code", "=", code)]) == [tasks[0]]

    assert rpc("admin", "ir.model.fields", "unlink", [field_id]) is True
    assert rpc("admin", "project.task", "fields_get", ["x_ct_store"], attributes=["type"]) == {}
    assert error_of(rpc, "admin", "project.task", "search", [("x_ct_store", "=", 1)]) == "builtins.ValueError"
    assert error_of(rpc, "admin", "project.task", "read", [tasks[0]], ["x_ct_store"]) == "builtins.ValueError"
    add_field(rpc, "x_ct_store")  # the same name again starts empty: the column went with the field
    assert rpc("admin", "project.task", "search_count", [("x_ct_store", "!=", False)]) == 0


def test_it_refuses_bad_custom_fields(rpc: Rpc) -> None:
    task_model = model_id(rpc, "project.task")
    base = {"model_id": task_model, "ttype": "char", "field_description": "Label", "state": "manual"}
    assert error_of(rpc, "admin", "ir.model.fields", "create", {**base, "name": "ct_store"}) == (
        "odoo.exceptions.ValidationError"
    )
    add_field(rpc, "x_once", "char")
    assert error_of(rpc, "admin", "ir.model.fields", "create", {**base, "name": "x_once"}) == (
        "odoo.exceptions.ValidationError"
    )
    assert error_of(
        rpc, "admin", "ir.model.fields", "create", {**base, "name": "x_rel", "ttype": "many2one", "relation": "no.such"}
    ) == "odoo.exceptions.ValidationError"
    assert error_of(rpc, "basic", "ir.model.fields", "create", {**base, "name": "x_basic"}) == (
        "odoo.exceptions.AccessError"
    )
    name_field = rpc("admin", "ir.model.fields", "search", [("model", "=", "project.task"), ("name", "=", "name")])
    assert error_of(rpc, "admin", "ir.model.fields", "unlink", name_field) == "odoo.exceptions.UserError"


def test_it_rolls_a_failed_create_back_with_its_fields(rpc: Rpc) -> None:
    task_model = model_id(rpc, "project.task")
    good = {"name": "x_first", "model_id": task_model, "ttype": "char", "field_description": "First"}
    bad = {"name": "second", "model_id": task_model, "ttype": "char", "field_description": "Second"}
    assert error_of(rpc, "admin", "ir.model.fields", "create", [good, bad]) == "odoo.exceptions.ValidationError"
    assert rpc("admin", "project.task", "fields_get", ["x_first"]) == {}


def test_it_supports_char_selection_and_many2many_custom_fields(rpc: Rpc) -> None:
    add_field(rpc, "x_note", "char")
    add_field(rpc, "x_level", "selection", selection="[('low', 'Low'), ('high', 'High')]")
    add_field(rpc, "x_tags", "many2many", relation="project.tags")
    tag = rpc("admin", "project.tags", "create", {"name": "custom"})
    task = rpc("admin", "project.task", "create",
               {"name": "Custom values", "x_note": "hello", "x_level": "high", "x_tags": [(6, 0, [tag])]})
    row = rpc("admin", "project.task", "read", [task], ["x_note", "x_level", "x_tags"])[0]
    assert row == {"id": task, "x_note": "hello", "x_level": "high", "x_tags": [tag]}
    assert rpc("admin", "project.task", "search", [("x_tags", "in", [tag]), ("x_level", "=", "high")]) == [task]
    assert error_of(rpc, "admin", "project.task", "write", [task], {"x_level": "middle"}) == "builtins.ValueError"


@pytest.mark.parametrize(
    ("model", "anchor"),
    [
        ("purchase.order", "partner_id"),
        ("account.move", "partner_id"),
        ("hr.expense.sheet", "employee_id"),
        ("maintenance.request", "equipment_id"),
        ("project.task", "project_id"),
        ("stock.quant", "location_id"),
    ],
)
def test_it_has_a_primary_form_that_an_inheriting_view_extends(rpc: Rpc, model: str, anchor: str) -> None:
    domain = [("model", "=", model), ("type", "=", "form"), ("inherit_id", "=", False), ("mode", "=", "primary")]
    form = rpc("admin", "ir.ui.view", "search", domain, limit=1, order="priority asc, id asc")
    assert len(form) == 1
    vals = {"name": "extension", "model": model, "inherit_id": form[0], "arch": after(anchor, "create_uid")}
    view = rpc("admin", "ir.ui.view", "create", vals)
    shown = rpc("admin", "ir.ui.view", "read", [view], ["mode", "type", "inherit_id"])[0]
    assert shown["mode"] == "extension"
    assert shown["type"] == "form"
    assert shown["inherit_id"][0] == form[0]
    assert rpc("admin", "ir.ui.view", "unlink", [view]) is True


def test_it_refuses_views_naming_missing_fields_or_targets_and_fields_still_in_views(rpc: Rpc) -> None:
    domain = [("model", "=", "project.task"), ("type", "=", "form"), ("inherit_id", "=", False)]
    form = rpc("admin", "ir.ui.view", "search", domain, limit=1, order="priority asc, id asc")[0]

    def extension(arch: str) -> dict[str, Any]:
        return {"name": "ext", "model": "project.task", "inherit_id": form, "arch": arch}

    for arch in (after("project_id", "x_nope"), after("no_such", "name"), "<data><xpath"):
        assert error_of(rpc, "admin", "ir.ui.view", "create", extension(arch)) == "odoo.exceptions.ValidationError"
    field_id = add_field(rpc, "x_shown", "char")
    view = rpc("admin", "ir.ui.view", "create", extension(
        "<field name=\"project_id\" position=\"after\"><field name=\"x_shown\"/></field>"
    ))
    assert error_of(rpc, "admin", "ir.model.fields", "unlink", [field_id]) == "odoo.exceptions.UserError"
    rpc("admin", "ir.ui.view", "unlink", [view])
    assert rpc("admin", "ir.model.fields", "unlink", [field_id]) is True


def test_it_seeds_views_whose_fields_all_exist(sandbox: SandboxServer) -> None:
    from apps.odoo_sandbox.models.ir_views import combined_arch
    from apps.odoo_sandbox.view_arch import unknown_fields

    env = sandbox.sandbox.env(su=True)
    table = sandbox.sandbox.store.table("ir.ui.view")
    assert len(table) >= 6
    for row in table.values():
        assert unknown_fields(combined_arch(table, row), row["model"], env.fields_of) == [], row["name"]
