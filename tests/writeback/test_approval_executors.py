"""Approval write-backs against the Odoo sandbox over HTTP: the four steps, per kind."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.approvals.models import ApprovalStatus
from apps.approvals.services.decisions import decision_record
from apps.odoo_gateway import get_gateway, reset_gateway
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_claim, writeback_run, writebacks_recover
from tests.approvals.support import (
    approvals_sync,
    calls_of,
    chatter_notes,
    expense_model,
    new_count,
    new_expense_sheet,
    new_po,
    new_refund,
    odoo_value,
    request_for,
    run_writebacks,
)
from tests.odoo_versions import EVERY_ODOO, major

pytestmark = pytest.mark.django_db
EXPENSE = "expense"  # hr.expense.sheet on Odoo 18, hr.expense on 19

KINDS = [
    (new_po, "purchase.order", "approve", "state", "purchase"),
    (new_po, "purchase.order", "reject", "state", "cancel"),
    (new_refund, "account.move", "approve", "state", "posted"),
    (new_refund, "account.move", "reject", "state", "cancel"),
    (new_expense_sheet, EXPENSE, "approve", "state", {18: "approve", 19: "approved"}),
    (new_expense_sheet, EXPENSE, "reject", "state", {18: "cancel", 19: "refused"}),
    (new_count, "stock.quant", "approve", "inventory_quantity_set", False),
    (new_count, "stock.quant", "reject", "inventory_quantity_set", False),
]


@EVERY_ODOO
@pytest.mark.parametrize(("make", "model", "outcome", "field", "expected"), KINDS)
def test_it_applies_each_kind_once_and_notes_it_in_the_chatter(
        world, odoo, odoo_server, make, model, outcome, field, expected) -> None:  # type: ignore[no-untyped-def]
    if model == EXPENSE:
        model, expected = expense_model(odoo_server), expected[major(odoo_server)]
    odoo_id = make(odoo_server)
    before_quantity = odoo_value(odoo_server, model, odoo_id, "quantity") if model == "stock.quant" else None
    approvals_sync(odoo)
    request = request_for(model, odoo_id)
    assert request.status == ApprovalStatus.OPEN
    decision_record(request=request, actor=world.regional_north, outcome=outcome, comment="Checked with the store")
    [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.APPLIED, writeback.last_error
    assert odoo_value(odoo_server, model, odoo_id, field) == expected
    if model == "stock.quant":
        counted = request.mirror.values["inventory_quantity"]
        after = odoo_value(odoo_server, model, odoo_id, "quantity")
        assert after == (counted if outcome == "approve" else before_quantity)
        assert chatter_notes(odoo_server, model, odoo_id) == 0  # stock.quant has no chatter in Odoo
    else:
        assert chatter_notes(odoo_server, model, odoo_id) == 1
        [note] = odoo_server.execute("admin", "mail.message", "search_read", [[
            ["model", "=", model], ["res_id", "=", odoo_id], ["body", "ilike", "[ct:approval:"]]], {"fields": ["body"]})
        assert "regional_north" in note["body"]
        assert "Checked with the store" in note["body"]
        assert f"/approvals/{request.pk}/" in note["body"]
    request.refresh_from_db()
    assert request.status == (ApprovalStatus.APPROVED if outcome == "approve" else ApprovalStatus.REJECTED)
    approvals_sync(odoo)
    request.refresh_from_db()
    assert not request.odoo_open
    assert request.status != ApprovalStatus.CLOSED  # decided here, not elsewhere


def test_it_never_revives_an_order_cancelled_in_odoo_after_mirroring(world, odoo, odoo_server) -> None:
    order = new_po(odoo_server)
    approvals_sync(odoo)
    request = request_for("purchase.order", order)
    odoo_server.execute("admin", "purchase.order", "button_cancel", [[order]])
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    decision_record(request=request, actor=world.regional_north, outcome="approve")
    [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.CONFLICT
    assert "changed in Odoo" in writeback.last_error
    assert odoo_value(odoo_server, "purchase.order", order) == "cancel"
    assert calls_of(odoo_server, "purchase.order", "button_approve") == approvals_before
    assert chatter_notes(odoo_server, "purchase.order", order) == 0
    request.refresh_from_db()
    assert request.status == ApprovalStatus.CONFLICT


def test_it_treats_an_order_already_approved_in_odoo_as_done_without_calling(world, odoo, odoo_server) -> None:
    order = new_po(odoo_server)
    approvals_sync(odoo)
    request = request_for("purchase.order", order)
    odoo_server.execute("admin", "purchase.order", "button_approve", [[order]])
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    decision_record(request=request, actor=world.regional_north, outcome="approve")
    [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.APPLIED
    assert writeback.result["called"] is False
    assert calls_of(odoo_server, "purchase.order", "button_approve") == approvals_before
    assert chatter_notes(odoo_server, "purchase.order", order) == 1


def test_it_fails_loudly_when_the_service_account_is_not_a_purchase_manager(
        world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo)
    request = request_for("purchase.order", order)
    decision_record(request=request, actor=world.regional_north, outcome="approve")
    settings.ODOO_LOGIN, settings.ODOO_PASSWORD = "buyer", "buyer-pw-123"
    reset_gateway()
    [writeback] = run_writebacks(get_gateway())
    assert writeback.status == WriteBackStatus.FAILED
    assert "integration user 'buyer' lacks the right" in writeback.last_error
    assert "Purchase Administrator" in writeback.last_error
    assert odoo_value(odoo_server, "purchase.order", order) == "to approve"
    assert chatter_notes(odoo_server, "purchase.order", order) == 0


def test_it_surfaces_the_wizard_of_an_outdated_count_and_does_not_loop(world, odoo, odoo_server) -> None:
    quant = new_count(odoo_server)
    approvals_sync(odoo)
    request = request_for("stock.quant", quant)
    moved = odoo_value(odoo_server, "stock.quant", quant, "quantity") + 4
    odoo_server.execute("admin", "stock.quant", "write", [[quant], {"quantity": moved}])  # stock moved since
    decision_record(request=request, actor=world.regional_north, outcome="approve")
    [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.FAILED
    assert "Odoo asks for a person instead" in writeback.last_error
    assert "stock.inventory.conflict" in writeback.last_error
    assert writeback.attempts == 1
    assert run_writebacks(odoo) == []
    assert odoo_value(odoo_server, "stock.quant", quant, "inventory_quantity_set") is True


def test_it_makes_one_odoo_call_for_duplicate_tasks_and_double_clicks(world, odoo, odoo_server) -> None:
    order = new_po(odoo_server)
    approvals_sync(odoo)
    request = request_for("purchase.order", order)
    decision_record(request=request, actor=world.regional_north, outcome="approve")
    with pytest.raises(Exception, match="no longer open"):
        decision_record(request=request, actor=world.regional_north, outcome="approve")
    pk = WriteBack.objects.get().pk
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    first = writeback_run(pk, gateway=odoo)
    second = writeback_run(pk, gateway=odoo)
    assert first is not None
    assert first.status == WriteBackStatus.APPLIED
    assert second is None
    assert calls_of(odoo_server, "purchase.order", "button_approve") == approvals_before + 1
    assert chatter_notes(odoo_server, "purchase.order", order) == 1


def test_it_recovers_a_row_whose_worker_died_between_claim_and_call(world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo)
    decision_record(request=request_for("purchase.order", order), actor=world.regional_north, outcome="approve")
    pk = WriteBack.objects.get().pk
    assert writeback_claim(pk) is not None  # the worker claimed it, then died
    assert writebacks_recover() == 0  # still within its lease
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.CT_WRITEBACK_LEASE_SECONDS + 1)):
        assert writebacks_recover() == 1
        [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.APPLIED
    assert odoo_value(odoo_server, "purchase.order", order) == "purchase"
    assert chatter_notes(odoo_server, "purchase.order", order) == 1


def test_it_recovers_a_row_whose_worker_died_after_odoo_applied_it(world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo)
    decision_record(request=request_for("purchase.order", order), actor=world.regional_north, outcome="approve",
                    comment="Vendor confirmed")
    pk = WriteBack.objects.get().pk
    writeback = writeback_claim(pk)
    assert writeback is not None
    odoo.call("purchase.order", "button_approve", [order])  # the call reached Odoo...
    odoo.message_post("purchase.order", order, f"note [ct:{writeback.idempotency_key}]")  # ...and the note, then death
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.CT_WRITEBACK_LEASE_SECONDS + 1)):
        writebacks_recover()
        [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.APPLIED
    assert calls_of(odoo_server, "purchase.order", "button_approve") == approvals_before
    assert chatter_notes(odoo_server, "purchase.order", order) == 1
