"""Answers that are records, read through the gateway's one normaliser (`answers.record_ids`), and the
JSON-2 calls Odoo 19 would accept and silently ignore, refused before they are sent.

Odoo 18 answers `create` / `message_post` with an id and `activity_schedule` with `"mail.activity(23,)"`;
Odoo 19 answers every recordset with `[id]` on both transports (and `create` of one dict over JSON-2).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from apps.odoo_gateway import OdooGateway, OdooMalformedAnswer, OdooProgrammingError
from apps.odoo_gateway.answers import as_one_id, record_ids
from apps.odoo_gateway.transports.base import RemoteCall

CALL = RemoteCall("mail.activity", "activity_schedule")
APPS = Path(__file__).resolve().parents[2] / "apps"

# Every `gateway.call(...)` in the portal whose raw answer is kept: what it answers and why that is not
# a record (a call answering records goes through `create`, `message_post`, `call_for_id(s)` instead).
RAW_ANSWERS = {
    ("approvals/executors.py", "action_refuse"): "an action dict: only checked for a wizard",
    ("approvals/executors.py", "method"): "the feed's approve/reject method: {}, False, None or a wizard action",
    ("incidents/executors.py", "archive_equipment_request"): "not used",
    ("integration/selectors.py", "context_get"): "the user's context (a dict)",
    ("integration/selectors.py", "has_group"): "a boolean",
    ("sync/webhooks.py", "unlink"): "not used",
}


@pytest.mark.parametrize(("answer", "ids"), [
    (23, [23]), ([23], [23]), ([4, 5], [4, 5]), ("mail.activity(23,)", [23]), ("res.partner(1, 2)", [1, 2]),
    ("mail.message()", []),
])
def test_it_reads_every_shape_odoo_gives_records_in(answer: Any, ids: list[int]) -> None:
    assert record_ids(answer, CALL) == ids


@pytest.mark.parametrize("answer", [True, "23", {"id": 3}, [1, "2"], None, "mail.activity(x,)", [True]])
def test_it_refuses_what_is_not_records(answer: Any) -> None:
    with pytest.raises(OdooMalformedAnswer):
        record_ids(answer, CALL)
    with pytest.raises(OdooMalformedAnswer):
        as_one_id([1, 2], CALL)


def test_it_lists_every_raw_business_call_whose_answer_the_portal_keeps() -> None:
    found = set()
    for path in APPS.rglob("*.py"):
        if "odoo_gateway" in path.parts or "odoo_sandbox" in path.parts:
            continue
        for match in re.finditer(r"gateway\.call\(\s*[^,]+,\s*\"?(\w+)\"?", path.read_text()):
            found.add((str(path.relative_to(APPS)), match.group(1)))
    assert found == set(RAW_ANSWERS)


@pytest.fixture(params=["jsonrpc-18", "json2-19", "jsonrpc-19"])
def gateway(request: pytest.FixtureRequest, make_gateway: Any) -> OdooGateway:
    transport, version = request.param.split("-")
    server = request.getfixturevalue(f"sandbox{version}")
    if transport == "json2":
        return make_gateway(server, api_key=True, use_password=False)
    return make_gateway(server, transport="jsonrpc")


def test_it_gives_each_record_answer_the_portal_uses_as_ids_on_every_version(gateway: OdooGateway) -> None:
    """The calls whose answers the portal uses: create (incidents, photos, refuse wizard, setup),
    message_post (approval notes, incident comments), activity_schedule, action_feedback."""
    project = gateway.search("project.project", [], limit=1)[0]
    task = gateway.create("project.task", {"name": "Record answers", "project_id": project})
    attachment = gateway.create("ir.attachment", {"name": "a.txt", "res_model": "project.task", "res_id": task,
                                                  "type": "binary", "datas": "aGk="})
    assert all(isinstance(i, int) and not isinstance(i, bool) for i in (task, attachment))
    message = gateway.message_post("project.task", task, "with a photo", attachment_ids=[attachment])
    [row] = gateway.read("mail.message", [message], ["res_id", "attachment_ids"])
    assert (row["res_id"], row["attachment_ids"]) == (task, [attachment])
    activity = gateway.call_for_id("project.task", "activity_schedule", [task], summary="Check",
                                   act_type_xmlid="mail.mail_activity_data_todo", date_deadline="2020-01-01")
    assert gateway.read("mail.activity", [activity], ["res_id"])[0]["res_id"] == task
    done = gateway.call_for_ids("mail.activity", "action_feedback", [activity], feedback="Checked")
    assert len(done) == 1
    assert gateway.read("mail.message", done, ["res_id"])[0]["res_id"] == task
    assert not gateway.read("mail.activity", [activity], ["res_id"])


@pytest.fixture
def json2(sandbox19: Any, make_gateway: Any) -> OdooGateway:
    gateway = make_gateway(sandbox19, api_key=True, use_password=False)
    gateway.version()
    return gateway


def _calls(server: Any) -> int:
    return int(server.sandbox.call_count)


def test_json2_refuses_a_record_method_without_ids_before_sending(json2: OdooGateway, sandbox19: Any) -> None:
    before, calls = json2.rpc_count, _calls(sandbox19)
    for ids in (None, []):
        with pytest.raises(OdooProgrammingError, match="record method and no ids"):
            json2.call("purchase.order", "button_confirm", ids)
    with pytest.raises(OdooProgrammingError, match="model method"):
        json2.call("purchase.order", "search_count", [1], domain=[])
    assert (json2.rpc_count, _calls(sandbox19)) == (before, calls)
    assert json2.call("res.users", "context_get", None)["uid"] == sandbox19.uid_for("admin")


def test_json2_refuses_a_body_that_is_not_named_arguments_before_sending(json2: OdooGateway, sandbox19: Any) -> None:
    before, calls = json2.rpc_count, _calls(sandbox19)
    with pytest.raises(OdooProgrammingError, match="named arguments"):
        json2.call("purchase.order", "search_read", None, [["state", "=", "purchase"]], ["name"])
    with pytest.raises(OdooProgrammingError, match="object of named arguments"):
        json2.call("purchase.order", "search_read", None, **{"not a name": 1})
    assert (json2.rpc_count, _calls(sandbox19)) == (before, calls)
