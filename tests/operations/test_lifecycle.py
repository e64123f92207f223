"""Exceptions follow Odoo: auto-close and reopen, severity growing with age and value, snooze expiry,
and the write-backs of snooze (orderpoint) and resolve (activity done), all against the sandbox."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.operations.executors import activity_done, orderpoint_snooze
from apps.operations.models import EventAction, ExceptionKind, ExceptionRule, ExceptionStatus, OpsException, Severity
from apps.operations.projector import exceptions_reassess
from apps.operations.services import (
    ACTIVITY_DONE_WRITEBACK,
    SNOOZE_WRITEBACK,
    exception_resolve,
    exception_snooze,
    exceptions_refresh,
)
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_run
from tests.operations.builders import exceptions_of, feeds_ready, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(network, odoo):  # type: ignore[no-untyped-def]
    feeds_ready()
    return network


def actions(exception: OpsException) -> list[str]:
    return list(exception.events.order_by("at", "pk").values_list("action", flat=True))


def orderpoint_of(odoo, warehouse: int) -> int:  # type: ignore[no-untyped-def]
    return odoo.search("stock.warehouse.orderpoint", [["warehouse_id", "=", warehouse], ["qty_to_order", ">", 0]])[0]


def make_short(odoo, odoo_server, warehouse: int) -> int:  # type: ignore[no-untyped-def]
    """Turn a reordering rule that is fine into one with something to order (tests share one Odoo)."""
    point = odoo.search("stock.warehouse.orderpoint", [["warehouse_id", "=", warehouse], ["qty_to_order", "=", 0]])[0]
    odoo_server.execute("admin", "stock.warehouse.orderpoint", "write", [[point], {"product_min_qty": 1000}])
    return point


def test_it_closes_when_odoo_clears_the_condition_and_reopens_when_it_returns(ready, odoo, odoo_server) -> None:
    sync("replenishment-risks", odoo)
    point = orderpoint_of(odoo, 2)
    minimum = odoo.read("stock.warehouse.orderpoint", [point], ["product_min_qty"])[0]["product_min_qty"]
    assert exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point].status == ExceptionStatus.OPEN
    odoo_server.execute("admin", "stock.warehouse.orderpoint", "write", [[point], {"product_min_qty": 0}])
    sync("replenishment-risks", odoo)
    closed = exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point]
    assert closed.status == ExceptionStatus.CLOSED
    assert not closed.condition_active
    odoo_server.execute("admin", "stock.warehouse.orderpoint", "write", [[point], {"product_min_qty": minimum}])
    sync("replenishment-risks", odoo)
    reopened = exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point]
    assert reopened.status == ExceptionStatus.OPEN
    assert reopened.reopened_count == 1
    assert actions(reopened) == [EventAction.OPENED, EventAction.CLOSED, EventAction.REOPENED]


def test_it_closes_through_reconciliation_when_only_a_computed_field_changed(ready, odoo, odoo_server) -> None:
    """Stock arriving lowers qty_to_order without touching the orderpoint's write_date: only
    reconciliation (ids Odoo holds open against the mirror) can see it."""
    sync("replenishment-risks", odoo)
    point = orderpoint_of(odoo, 3)
    row = odoo.read("stock.warehouse.orderpoint", [point], ["product_id", "location_id", "product_max_qty"])[0]
    quant = odoo.search("stock.quant", [["product_id", "=", row["product_id"][0]],
                                        ["location_id", "=", row["location_id"][0]]])[0]
    odoo_server.execute("admin", "stock.quant", "write", [[quant], {"inventory_quantity": row["product_max_qty"]}],
                        {"context": {"inventory_mode": True}})
    odoo_server.execute("admin", "stock.quant", "action_apply_inventory", [[quant]])
    sync("replenishment-risks", odoo)
    assert exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point].status == ExceptionStatus.OPEN
    sync("replenishment-risks", odoo, reconcile=True)
    assert exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point].status == ExceptionStatus.CLOSED


def test_it_keeps_a_resolution_until_the_condition_comes_back(ready, odoo, odoo_server) -> None:
    location = odoo.read("stock.warehouse", [10], ["lot_stock_id"])[0]["lot_stock_id"][0]
    product = odoo.search("product.product", [["type", "=", "consu"]], limit=1, offset=3)[0]
    quant = odoo_server.execute("admin", "stock.quant", "create",
                                [{"product_id": product, "location_id": location, "quantity": -2}])

    def count(quantity: float) -> None:
        odoo_server.execute("admin", "stock.quant", "write", [[quant], {"inventory_quantity": quantity}],
                            {"context": {"inventory_mode": True}})
        odoo_server.execute("admin", "stock.quant", "action_apply_inventory", [[quant]])
        sync("negative-stock", odoo)

    sync("negative-stock", odoo)
    exception = exceptions_of(ExceptionKind.NEGATIVE_STOCK)[quant]
    exception_resolve(exception=exception, actor=ready.manager_c, note="Bread delivery booked to the wrong store")
    count(5)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert not exception.condition_active
    count(-3)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN
    assert exception.quantity == 3
    assert actions(exception) == [EventAction.OPENED, EventAction.RESOLVED, EventAction.CLEARED, EventAction.REOPENED]


def test_it_raises_severity_with_age_and_value(ready, odoo) -> None:
    ExceptionRule.objects.filter(kind=ExceptionKind.COUNT_DISCREPANCY).update(
        min_quantity=0, min_value=0, value_high=Decimal("100000"), value_critical=Decimal("0"))
    sync("stock-discrepancies", odoo)
    exceptions_refresh(gateway=odoo)
    exception = max(exceptions_of(ExceptionKind.COUNT_DISCREPANCY).values(), key=lambda e: e.value_at_risk)
    assert exception.value_at_risk > 0
    assert exception.severity == Severity.LOW
    start = timezone.now()
    levels = []
    for hours in (23, 25, 49, 73, 200):
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            exceptions_reassess()
        exception.refresh_from_db()
        levels.append(exception.severity)
    assert levels == [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL, Severity.CRITICAL]
    assert actions(exception).count(EventAction.ESCALATED) == 3
    ExceptionRule.objects.filter(kind=ExceptionKind.COUNT_DISCREPANCY).update(
        escalate_every_hours=0, value_high=exception.value_at_risk)
    exceptions_reassess()
    exception.refresh_from_db()
    assert exception.severity == Severity.MEDIUM  # age no longer counts; the value reaches the "high" mark


def test_it_reopens_a_snoozed_exception_when_the_snooze_ends(ready, odoo) -> None:
    sync("late-receipts", odoo)
    exception = next(e for e in exceptions_of(ExceptionKind.LATE_RECEIPT).values() if e.store == ready.store_a)
    start = timezone.now()
    exception_snooze(exception=exception, actor=ready.manager_a, until=start + timedelta(hours=2),
                     reason="Driver called: arriving after lunch")
    assert not WriteBack.objects.exists()  # Odoo has no snooze for receipts
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        exceptions_reassess()
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.SNOOZED
    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=False):
        exceptions_reassess()
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.OPEN
    assert actions(exception)[-2:] == [EventAction.SNOOZED, EventAction.SNOOZE_EXPIRED]
    assert AuditEvent.objects.filter(action="exception.snoozed", object_id=str(exception.pk)).exists()


def test_it_closes_a_snoozed_exception_when_odoo_clears_it(ready, odoo, odoo_server) -> None:
    sync("late-receipts", odoo)
    exception = next(e for e in exceptions_of(ExceptionKind.LATE_RECEIPT).values() if e.store == ready.store_b)
    exception_snooze(exception=exception, actor=ready.regional_north, until=timezone.now() + timedelta(days=1),
                     reason="Chasing the vendor")
    odoo_server.execute("admin", "stock.picking", "button_validate", [[exception.odoo_id]])
    sync("late-receipts", odoo)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.CLOSED
    assert exception.closed_at is not None


def test_it_snoozes_the_orderpoint_in_odoo_through_the_outbox(ready, odoo, odoo_server) -> None:
    point = make_short(odoo, odoo_server, 3)
    sync("replenishment-risks", odoo)
    exception = exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point]
    until = timezone.now() + timedelta(days=3)
    exception_snooze(exception=exception, actor=ready.regional_north, until=until, reason="Promotion stock arriving")
    writeback = WriteBack.objects.get(kind=SNOOZE_WRITEBACK)
    assert writeback.odoo_id == point
    assert writeback_run(writeback.pk, gateway=odoo).status == WriteBackStatus.APPLIED  # type: ignore[union-attr]
    day = until.astimezone(zoneinfo.ZoneInfo(exception.store.timezone)).date()
    assert odoo.read("stock.warehouse.orderpoint", [point], ["snoozed_until"])[0]["snoozed_until"] == day.isoformat()
    assert orderpoint_snooze(writeback, odoo) == {"snoozed_until": day.isoformat(), "already": True}
    sync("replenishment-risks", odoo)  # Odoo now reports nothing to order: parked, not cleared
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.SNOOZED
    assert exception.condition_active
    assert EventAction.WRITEBACK in actions(exception)


def test_it_shows_a_snooze_made_in_odoo(ready, odoo, odoo_server) -> None:
    sync("replenishment-risks", odoo)
    point = orderpoint_of(odoo, 10)
    later = (datetime.now(UTC) + timedelta(days=5)).date()
    odoo_server.execute("admin", "stock.warehouse.orderpoint", "write", [[point], {"snoozed_until": later.isoformat()}])
    sync("replenishment-risks", odoo)
    exception = exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[point]
    assert exception.status == ExceptionStatus.SNOOZED
    assert timezone.localtime(exception.snoozed_until).date() == later  # type: ignore[arg-type]
    assert "Snoozed in Odoo" in exception.snooze_reason


def test_it_marks_the_activity_done_in_odoo_when_resolved(ready, odoo) -> None:
    sync("store-activities", odoo)
    exceptions_refresh(gateway=odoo)
    exception = next(e for e in exceptions_of(ExceptionKind.OVERDUE_ACTIVITY).values() if e.store == ready.store_c)
    activity = odoo.read("mail.activity", [exception.odoo_id], ["res_model", "res_id"])[0]
    exception_resolve(exception=exception, actor=ready.hq, note="Vendor confirmed <b>by phone</b>")
    writeback = WriteBack.objects.get(kind=ACTIVITY_DONE_WRITEBACK)
    assert writeback_run(writeback.pk, gateway=odoo).status == WriteBackStatus.APPLIED  # type: ignore[union-attr]
    assert odoo.read("mail.activity", [exception.odoo_id], ["active"]) == []
    notes = odoo.search_read("mail.message", [["model", "=", activity["res_model"]],
                                              ["res_id", "=", activity["res_id"]]], ["body"])
    assert any("Vendor confirmed &lt;b&gt;by phone&lt;/b&gt;" in note["body"] for note in notes)
    assert activity_done(writeback, odoo) == {"already_done": True}
    sync("store-activities", odoo, reconcile=True)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.RESOLVED
    assert actions(exception)[-2:] == [EventAction.WRITEBACK, EventAction.CLEARED]


def test_it_retries_a_write_back_while_odoo_is_down_and_refreshes_from_the_cache(ready, odoo, odoo_server) -> None:
    sync("replenishment-risks", odoo)
    exception = exceptions_of(ExceptionKind.REPLENISHMENT_RISK)[orderpoint_of(odoo, 11)]
    exception_snooze(exception=exception, actor=ready.regional_south, until=timezone.now() + timedelta(days=1),
                     reason="Checking with the DC")
    odoo_server.faults.down = True
    writeback = writeback_run(WriteBack.objects.get(kind=SNOOZE_WRITEBACK).pk, gateway=odoo)
    assert writeback is not None
    assert writeback.status == WriteBackStatus.WAITING  # Odoo down: waited out, not counted
    exceptions_refresh(gateway=odoo)  # enrichment skipped, the rules still run
    odoo_server.faults.down = False
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.SNOOZED


def test_it_runs_the_periodic_pass_as_a_scheduled_task(ready, odoo) -> None:
    from apps.operations.tasks import refresh_exceptions
    from controltower.celery import collected_beat_schedule

    assert collected_beat_schedule()["refresh-exceptions"]["task"] == refresh_exceptions.name
    sync("store-activities", odoo)
    refresh_exceptions.apply()
    assert exceptions_of(ExceptionKind.OVERDUE_ACTIVITY)
