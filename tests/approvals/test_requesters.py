"""Segregation of duties per built-in kind: everyone who made a request (its creator, the feed's
requester fields, an expense report's employee) is refused its decision, whatever editable field
names someone else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from apps.approvals.models import OdooUserLink
from apps.approvals.services.decisions import decision_check
from tests.approvals.support import approvals_sync, new_count, new_expense_sheet, new_po, new_refund, request_for
from tests.factories import Network

pytestmark = pytest.mark.django_db


def uid(server: Any, login: str) -> int:
    return int(server.sandbox.uid_of(login))


def refused(network: Network, model: str, odoo_id: int) -> bool:
    """Whether segregation of duties refuses the regional manager's approval."""
    try:
        decision_check(request=request_for(model, odoo_id), actor=network.regional_north, outcome="approve")
    except PermissionDenied as exc:
        return "someone else must decide it" in str(exc)
    return False


def test_it_refuses_the_buyer_who_named_someone_else_as_purchase_representative(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)  # created by the buyer
    odoo_server.execute("buyer", "purchase.order", "write", [[order], {"user_id": uid(odoo_server, "admin")}])
    approvals_sync(odoo, ("purchase-orders",))
    assert not refused(world, "purchase.order", order)
    OdooUserLink.objects.create(user=world.regional_north, odoo_user_id=uid(odoo_server, "buyer"), odoo_login="buyer")
    assert refused(world, "purchase.order", order)


def test_it_refuses_the_creator_of_a_refund_and_its_salesperson(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    refund = new_refund(odoo_server)  # created by admin
    odoo_server.execute("admin", "account.move", "write", [[refund], {"invoice_user_id": uid(odoo_server, "buyer")}])
    approvals_sync(odoo, ("customer-refunds",))
    link = OdooUserLink.objects.create(user=world.regional_north, odoo_user_id=uid(odoo_server, "admin"))
    assert refused(world, "account.move", refund)
    link.odoo_user_id = uid(odoo_server, "buyer")
    link.save()
    assert refused(world, "account.move", refund)


def test_it_refuses_the_employee_of_an_expense_report_but_not_the_manager_it_is_sent_to(
        world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    sheet = new_expense_sheet(odoo_server)  # created by admin for an employee
    employee = odoo_server.execute("admin", "hr.expense.sheet", "read", [[sheet], ["employee_id"]])[0]["employee_id"][0]
    odoo_server.execute("admin", "hr.employee", "write", [[employee], {"user_id": uid(odoo_server, "buyer")}])
    odoo_server.execute("admin", "hr.expense.sheet", "write", [[sheet], {"user_id": uid(odoo_server, "admin")}])
    approvals_sync(odoo, ("expense-reports",))
    request = request_for("hr.expense.sheet", sheet)
    assert uid(odoo_server, "buyer") in request.requester_odoo_ids
    link = OdooUserLink.objects.create(user=world.regional_north, odoo_user_id=uid(odoo_server, "buyer"))
    assert refused(world, "hr.expense.sheet", sheet)
    link.delete()
    OdooUserLink.objects.create(user=world.regional_north, odoo_user_id=uid(odoo_server, "admin"))
    assert refused(world, "hr.expense.sheet", sheet)  # admin created it
    assert uid(odoo_server, "admin") == request.requester_odoo_ids[0]


def test_it_refuses_whoever_wrote_the_count(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    quant = new_count(odoo_server)  # counted by admin
    approvals_sync(odoo, ("stock-counts",))
    assert not refused(world, "stock.quant", quant)
    OdooUserLink.objects.create(user=world.regional_north, odoo_user_id=uid(odoo_server, "admin"))
    assert refused(world, "stock.quant", quant)
