"""Odoo outages of any length: waited out within the window (one probe at a time, then every decision
applied once, in order), dead-lettered with a reason and a word to operations beyond it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.approvals.services.decisions import decisions_bulk_approve
from apps.notifications.models import Notification
from apps.odoo_gateway import OdooGateway
from apps.writeback.models import OdooOutage, WriteBack, WriteBackStatus
from apps.writeback.services import writebacks_dispatch
from tests.approvals.support import approvals_sync, calls_of, new_po, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
COUNT = 12


def decide(world, odoo, odoo_server) -> list[int]:  # type: ignore[no-untyped-def]
    """Twelve purchase orders approved one after the other, in this order."""
    orders = [new_po(odoo_server, warehouse_id=2 + i % 2) for i in range(COUNT)]
    approvals_sync(odoo, ("purchase-orders",))
    by_order = {request.odoo_id: request for request in
                ApprovalRequest.objects.filter(odoo_model="purchase.order", odoo_id__in=orders)}
    for order in orders:
        decisions_bulk_approve(requests=[by_order[order]], actor=world.regional_north, comment="Outage")
    return orders


def noted_orders(odoo_server, orders: list[int]) -> list[int]:  # type: ignore[no-untyped-def]
    """The orders Control Tower noted, in the order the notes reached Odoo."""
    notes = odoo_server.execute("admin", "mail.message", "search_read", [[
        ["model", "=", "purchase.order"], ["res_id", "in", orders], ["body", "ilike", "[ct:approval:"]]],
        {"fields": ["res_id"], "order": "id asc"})
    return [note["res_id"] for note in notes]


def run_through(start: datetime, minutes: float, step_seconds: float, gateway: OdooGateway) -> datetime:
    """Run the dispatcher every `step_seconds` of simulated time, as beat would; returns the end."""
    moment = start
    while moment < start + timedelta(minutes=minutes):
        moment += timedelta(seconds=step_seconds)
        with time_machine.travel(moment, tick=False):
            writebacks_dispatch(gateway=gateway)
            outage = OdooOutage.objects.filter(unreachable_since__isnull=False).first()
            if outage is not None and outage.next_probe_at is not None:
                assert outage.next_probe_at - timezone.now() <= timedelta(minutes=5)  # capped backoff
    return moment


def test_it_waits_out_a_30_minute_outage_and_applies_every_decision_once_in_order(
        world, odoo, odoo_server, impatient) -> None:  # type: ignore[no-untyped-def]
    orders = decide(world, odoo, odoo_server)
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    odoo_server.faults.down = True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        writebacks_dispatch(gateway=impatient)
    moment = run_through(start, 30, 20, impatient)

    rows = list(WriteBack.objects.order_by("created_at", "pk"))
    assert {row.status for row in rows} == {WriteBackStatus.WAITING}
    assert [row.attempts for row in rows] == [1] + [0] * (COUNT - 1)  # the others waited: no call, no attempt
    probes = OdooOutage.objects.get().failed_probes
    assert 5 <= probes <= 30  # one probe every few seconds at first, then every 2.5-5 minutes
    request = ApprovalRequest.objects.select_related("writeback").get(odoo_id=orders[-1], odoo_model="purchase.order")
    since = timezone.localtime(start).strftime("%H:%M")
    with time_machine.travel(moment, tick=False):
        assert request.status == ApprovalStatus.APPROVED
        assert request.status_label == f"Approved here — waiting for Odoo (unreachable since {since})"
        page = signed_in(world.regional_north).get(reverse("approvals:inbox"), {"show": "decided"})
    assert page.status_code == 200
    assert page.content.decode().count("waiting for Odoo (unreachable since") == COUNT

    odoo_server.faults.down = False
    run_through(moment, 6, 20, impatient)
    assert WriteBack.objects.filter(status=WriteBackStatus.APPLIED).count() == COUNT
    assert not OdooOutage.objects.filter(unreachable_since__isnull=False).exists()
    assert calls_of(odoo_server, "purchase.order", "button_approve") - approvals_before == COUNT
    assert noted_orders(odoo_server, orders) == orders  # each noted once, in the order decided
    states = {row["state"] for row in odoo_server.execute("admin", "purchase.order", "read", [orders, ["state"]])}
    assert states == {"purchase"}


def test_it_dead_letters_after_80_hours_down_with_a_reason_and_tells_operations(
        world, odoo, odoo_server, impatient) -> None:  # type: ignore[no-untyped-def]
    orders = decide(world, odoo, odoo_server)
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    odoo_server.faults.down = True
    start = timezone.now()
    moment = run_through(start, 71 * 60, 1800, impatient)
    assert set(WriteBack.objects.values_list("status", flat=True)) == {WriteBackStatus.WAITING}  # within 72 h
    run_through(moment, 9 * 60, 1800, impatient)

    rows = list(WriteBack.objects.all())
    assert {row.status for row in rows} == {WriteBackStatus.DEAD}
    for row in rows:
        assert "Odoo was unreachable from" in row.last_error
        assert "for more than 72 h" in row.last_error
        assert "replay" in row.last_error
    assert calls_of(odoo_server, "purchase.order", "button_approve") == approvals_before  # nothing applied
    ops_notes = Notification.objects.filter(user=world.ops)
    assert ops_notes.count() == 1
    assert ops_notes.get().subject == f"{COUNT} write-backs dead-lettered: Odoo unreachable for more than 72 h"
    assert Notification.objects.filter(user=world.regional_north, subject__contains="dead-lettered").count() == COUNT
    odoo_server.faults.down = False
    page = signed_in(world.regional_north).get(reverse("approvals:inbox"), {"show": "decided"})
    assert page.content.decode().count('data-writeback-status="dead"') == COUNT  # still on the Decided tab, to retry
    assert {row["state"] for row in odoo_server.execute("admin", "purchase.order", "read",
                                                        [orders, ["state"]])} == {"to approve"}


def test_it_fails_a_permanent_refusal_at_once_without_pausing_the_outbox(
        world, odoo, odoo_server, impatient) -> None:  # type: ignore[no-untyped-def]
    orders = decide(world, odoo, odoo_server)[:1]
    odoo_server.execute("admin", "purchase.order", "button_cancel", [orders])  # moved elsewhere in Odoo
    writebacks_dispatch(gateway=impatient)
    row = WriteBack.objects.get(odoo_id=orders[0])
    assert row.status == WriteBackStatus.CONFLICT
    assert row.attempts == 1
    assert not OdooOutage.objects.filter(unreachable_since__isnull=False).exists()
    assert WriteBack.objects.filter(status=WriteBackStatus.APPLIED).count() == COUNT - 1
