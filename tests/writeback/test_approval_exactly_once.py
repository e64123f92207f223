"""Exactly once under failure: Odoo down during a burst of decisions, and a flaky Odoo."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.approvals.models import ApprovalRequest
from apps.approvals.services.decisions import decisions_bulk_approve
from apps.odoo_gateway import OdooGateway
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writebacks_dispatch
from tests.approvals.support import approvals_sync, calls_of, new_po, run_writebacks

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
COUNT = 100


def decide_burst(world, odoo, odoo_server) -> list[int]:  # type: ignore[no-untyped-def]
    orders = [new_po(odoo_server, warehouse_id=2 + i % 2) for i in range(COUNT)]
    approvals_sync(odoo, ("purchase-orders",))
    requests = list(ApprovalRequest.objects.filter(odoo_model="purchase.order", odoo_id__in=orders))
    assert len(requests) == COUNT
    decisions_bulk_approve(requests=requests, actor=world.regional_north, comment="Burst")
    return orders


def drain(gateway: OdooGateway, *, rounds: int = 30) -> None:
    """Run the dispatcher as beat would, jumping past each backoff instead of sleeping."""
    moment = timezone.now()
    for _ in range(rounds):
        if not WriteBack.objects.exclude(status__in=[WriteBackStatus.APPLIED, WriteBackStatus.FAILED,
                                                     WriteBackStatus.CONFLICT, WriteBackStatus.DEAD]).exists():
            return
        moment += timedelta(minutes=10)
        with time_machine.travel(moment):
            writebacks_dispatch(gateway=gateway)


def effects(odoo_server, orders: list[int]) -> tuple[set[str], dict[int, int]]:  # type: ignore[no-untyped-def]
    states = {row["state"] for row in odoo_server.execute("admin", "purchase.order", "read", [orders, ["state"]])}
    notes = odoo_server.execute("admin", "mail.message", "search_read", [[
        ["model", "=", "purchase.order"], ["res_id", "in", orders], ["body", "ilike", "[ct:approval:"]]],
        {"fields": ["res_id"]})
    per_order: dict[int, int] = {}
    for note in notes:
        per_order[note["res_id"]] = per_order.get(note["res_id"], 0) + 1
    return states, per_order


def test_it_applies_every_decision_exactly_once_after_odoo_was_down(world, odoo, odoo_server, impatient) -> None:  # type: ignore[no-untyped-def]
    orders = decide_burst(world, odoo, odoo_server)
    approvals_before = calls_of(odoo_server, "purchase.order", "button_approve")
    odoo_server.faults.down = True
    run_writebacks(impatient)
    assert set(WriteBack.objects.values_list("status", flat=True)) == {WriteBackStatus.WAITING}
    assert WriteBack.objects.filter(attempts__gt=0).count() == 1  # one probe; the others wait
    odoo_server.faults.down = False
    drain(impatient)
    assert WriteBack.objects.filter(status=WriteBackStatus.APPLIED).count() == COUNT
    states, notes = effects(odoo_server, orders)
    assert states == {"purchase"}
    assert notes == dict.fromkeys(orders, 1)
    assert calls_of(odoo_server, "purchase.order", "button_approve") - approvals_before == COUNT


def test_it_applies_every_decision_exactly_once_through_errors_timeouts_and_lost_replies(
        world, odoo, odoo_server, impatient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CT_WRITEBACK_MAX_ATTEMPTS = 50
    orders = decide_burst(world, odoo, odoo_server)
    odoo_server.faults.seed(4)
    odoo_server.faults.error_rate = 0.3
    odoo_server.faults.error_kinds = ("503", "drop", "timeout")
    odoo_server.faults.hang_seconds = 1.5
    odoo_server.faults.lost_reply_rate = 0.1  # committed in Odoo, answer lost: the retry must notice
    drain(impatient, rounds=60)
    odoo_server.faults.reset()
    assert odoo_server.faults.injected > 0
    assert WriteBack.objects.filter(status=WriteBackStatus.APPLIED).count() == COUNT
    states, notes = effects(odoo_server, orders)
    assert states == {"purchase"}
    assert notes == dict.fromkeys(orders, 1)
