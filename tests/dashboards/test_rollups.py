"""Rollups follow the rows: after random work over three weeks (opened, decided, resolved, undone,
closed in Odoo, marked duplicate, cancelled) the refresh leaves every cell equal to the rows, and
`rollups_reconcile` proves it (and fails when a cell is wrong)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.core.management import CommandError, call_command

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.dashboards.histogram import EDGES, bucket_of, percentile
from apps.dashboards.models import DailyRollup
from apps.dashboards.rollups import rollups_compare, rollups_refresh
from apps.incidents.models import IncidentStatus, StoreIncident
from apps.operations.models import ExceptionStatus, OpsException
from tests.dashboards import builders
from tests.dashboards.builders import HOUR
from tests.factories import Network

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _random_day(rng: random.Random, network: Network) -> None:
    stores = [network.store_a, network.store_b, network.store_c, network.store_d]
    for _ in range(rng.randrange(3, 7)):
        store = rng.choice(stores)
        ago = dt.timedelta(hours=rng.uniform(0, 60))
        after = dt.timedelta(minutes=rng.uniform(1, 3000)) if rng.random() < 0.7 else None
        if after is not None and after > ago:
            after = None
        match rng.randrange(4):
            case 0:
                builders.approval(store, requested_ago=ago, decided_after=after)
            case 1:
                builders.incident(store, created_ago=ago, resolved_after=after)
            case 2:
                builders.exception(store, opened_ago=ago, resolved_after=after)
            case _:
                builders.directive_copy(store, due_ago=ago - dt.timedelta(hours=12), submitted_after=after and -after,
                                        approved_after=after)
    # Later changes to older rows, each written as the services write them (updated_at moves).
    approval = ApprovalRequest.objects.filter(status=ApprovalStatus.APPROVED).order_by("?").first()
    if approval is not None and rng.random() < 0.5:  # a decision undone
        approval.status, approval.decided_at = ApprovalStatus.OPEN, None
        approval.save()
    open_approval = ApprovalRequest.objects.filter(status=ApprovalStatus.OPEN).order_by("?").first()
    if open_approval is not None and rng.random() < 0.3:  # decided in Odoo: left out of the SLA
        open_approval.status = ApprovalStatus.CLOSED
        open_approval.save()
    incident = StoreIncident.objects.filter(status=IncidentStatus.RESOLVED).order_by("?").first()
    if incident is not None and rng.random() < 0.3:  # a duplicate after all
        incident.status, incident.closed_reason = IncidentStatus.CLOSED, "duplicate"
        incident.save()
    exception = OpsException.objects.filter(status=ExceptionStatus.OPEN).order_by("?").first()
    if exception is not None and rng.random() < 0.6:  # closed days after it opened
        exception.status, exception.resolved_at = ExceptionStatus.RESOLVED, dt.datetime.now(dt.UTC)
        exception.save()


def test_random_work_over_three_weeks_leaves_the_rollups_equal_to_the_rows(network: Network) -> None:
    rng = random.Random(11)
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(21):
            _random_day(rng, network)
            traveller.shift(dt.timedelta(hours=rng.choice((7, 11, 24, 30))))
            rollups_refresh()
        assert DailyRollup.objects.filter(kind="approvals").exists()
        assert DailyRollup.objects.filter(kind="directives").exists()
        assert rollups_compare() == []
        call_command("rollups_reconcile")


def test_reconcile_fails_on_a_wrong_cell_and_rebuild_repairs_it(network: Network) -> None:
    with time_machine.travel(START, tick=False):
        builders.incident(network.store_a, created_ago=30 * HOUR, resolved_after=2 * HOUR)
        cell = DailyRollup.objects.get(kind="incidents", store=network.store_a)
        cell.finished += 1
        cell.save()
        with pytest.raises(CommandError, match="1 rollup cells differ"):
            call_command("rollups_reconcile")
        call_command("rollups_reconcile", "--rebuild")
        assert rollups_compare() == []


def test_a_day_that_closes_is_rolled_up_though_nothing_changed(network: Network) -> None:
    with time_machine.travel(START, tick=False) as traveller:
        builders.exception(network.store_b, opened_ago=HOUR)  # open, due tomorrow morning
        assert not DailyRollup.objects.filter(kind="exceptions").exists()  # today is read from the rows
        traveller.shift(dt.timedelta(days=2))
        rollups_refresh()
        due = DailyRollup.objects.get(kind="exceptions", store=network.store_b, due=1)
        assert (due.day, due.met) == (dt.date(2026, 3, 2), 0)


def test_percentiles_are_exact_to_the_bucket_width() -> None:
    rng = random.Random(3)
    values = [rng.uniform(0, 80 * 3600) for _ in range(501)]
    histogram: dict[int, int] = {}
    for value in values:
        histogram[bucket_of(value)] = histogram.get(bucket_of(value), 0) + 1
    ordered = sorted(values)
    for fraction in (0.1, 0.5, 0.9):
        true = ordered[int(fraction * 500)]
        index = bucket_of(true)
        width = EDGES[index + 1] - EDGES[index]
        estimate = percentile(histogram, fraction)
        assert estimate is not None
        assert abs(estimate.total_seconds() - true) <= width
    assert percentile({}, 0.5) is None
    assert percentile({bucket_of(2 * 3600): 1}, 0.5) == dt.timedelta(hours=2)  # on an edge: exact
