"""KPI definitions, checked on known data: each figure is what the README says it is."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import F

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.dashboards import kpis
from apps.dashboards.aggregates import Percentile
from apps.dashboards.periods import PeriodError, period_parse
from apps.dashboards.scope import Viewer
from apps.dashboards.tiles import network_tiles
from apps.incidents.models import IncidentStatus
from apps.operations.models import ExceptionStatus
from tests.dashboards import builders
from tests.dashboards.builders import HOUR
from tests.factories import Network

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_it_computes_approval_cycle_percentiles_with_linear_interpolation(network: Network) -> None:
    for hours in (1, 2, 3, 4):
        builders.approval(network.store_a, requested_ago=30 * HOUR, decided_after=hours * HOUR)
    builders.approval(network.store_a, requested_ago=20 * DAY, decided_after=50 * HOUR)  # decided long ago
    figures = kpis.network_figures(Viewer(network.hq), period_parse("7d"))
    assert figures.decided == 4
    assert figures.cycle_p50 == dt.timedelta(hours=2.5)
    assert figures.cycle_p90 == dt.timedelta(hours=3.7)


def test_it_measures_sla_attainment_over_the_items_due_in_the_period(network: Network) -> None:
    store = network.store_a
    builders.approval(store, requested_ago=30 * HOUR, decided_after=2 * HOUR)          # due in period, on time
    builders.approval(store, requested_ago=60 * HOUR, decided_after=30 * HOUR)         # due in period, late
    builders.approval(store, requested_ago=30 * HOUR)                                  # due in period, still open
    builders.approval(store, requested_ago=2 * HOUR)                                   # due tomorrow: not counted
    builders.approval(store, requested_ago=30 * HOUR, status=ApprovalStatus.CLOSED)    # decided in Odoo: left out
    builders.incident(store, created_ago=30 * HOUR, resolved_after=HOUR)               # on time
    builders.incident(store, created_ago=30 * HOUR, resolved_after=HOUR, status=IncidentStatus.CLOSED,
                      closed_reason="duplicate")                                       # duplicate: left out
    builders.exception(store, opened_ago=30 * HOUR)                                    # open past deadline
    figures = kpis.network_figures(Viewer(network.hq), period_parse("7d"))
    assert (figures.met, figures.due) == (2, 5)
    assert figures.sla == pytest.approx(40.0)
    assert figures.overdue == 2
    assert figures.open == 3


def test_it_measures_incident_resolution(network: Network) -> None:
    store = network.store_b
    builders.incident(store, created_ago=50 * HOUR, resolved_after=4 * HOUR, category="compliance")
    builders.incident(store, created_ago=50 * HOUR, resolved_after=40 * HOUR, category="compliance")  # late, done
    builders.incident(store, created_ago=30 * HOUR, category="compliance")                             # not done
    builders.incident(store, created_ago=50 * HOUR, resolved_after=10 * HOUR, status=IncidentStatus.CLOSED,
                      closed_reason="duplicate")
    figures = kpis.network_figures(Viewer(network.hq), period_parse("7d"))
    assert figures.resolved == 2
    assert figures.resolution_p50 == dt.timedelta(hours=22)


def test_it_measures_exception_closure_by_the_end_of_each_period(network: Network) -> None:
    store = network.store_c
    builders.exception(store, opened_ago=2 * DAY, resolved_after=HOUR)
    builders.exception(store, opened_ago=3 * DAY, resolved_after=HOUR, status=ExceptionStatus.CLOSED,
                       closed_at=NOW - 3 * DAY + HOUR)
    builders.exception(store, opened_ago=HOUR)
    builders.exception(store, opened_ago=10 * DAY, resolved_after=HOUR)          # previous period, closed in it
    builders.exception(store, opened_ago=8 * DAY, resolved_after=3 * DAY)        # previous period, closed later
    figures = kpis.network_figures(Viewer(network.hq), period_parse("7d"))
    assert (figures.exceptions_closed, figures.exceptions_opened) == (2, 3)
    assert (figures.exceptions_closed_prev, figures.exceptions_opened_prev) == (1, 2)


def test_it_compares_each_tile_with_the_previous_period_in_words(network: Network) -> None:
    builders.approval(network.store_a, requested_ago=30 * HOUR, decided_after=10 * HOUR)
    builders.approval(network.store_a, requested_ago=9 * DAY, decided_after=2 * HOUR)
    tiles = {tile.key: tile for tile in network_tiles(kpis.network_figures(Viewer(network.hq), period_parse("7d")),
                                                      period_parse("7d"))}
    cycle = tiles["cycle"]
    assert cycle.value == "10 h"  # durations in words: hours and minutes
    assert cycle.trend is not None
    assert cycle.trend.verdict == "worse"
    assert cycle.change_text == "▲ 8 h more than the 7 days before (worse)"
    assert tiles["directives"].value == "no data"
    assert "no figure" in tiles["directives"].change_text


def test_it_counts_only_what_the_person_may_see(network: Network) -> None:
    builders.incident(network.store_a, created_ago=HOUR)
    builders.incident(network.store_c, created_ago=HOUR)
    builders.incident(network.store_d, created_ago=HOUR)
    assert kpis.network_figures(Viewer(network.hq), period_parse("7d")).open == 3
    assert kpis.network_figures(Viewer(network.regional_north), period_parse("7d")).open == 1
    assert kpis.network_figures(Viewer(network.manager_c), period_parse("7d")).open == 1
    assert kpis.network_figures(Viewer(network.nobody), period_parse("7d")).open == 0
    assert set(kpis.store_figures(Viewer(network.regional_south), period_parse("7d"))) == {network.store_c.pk,
                                                                                     network.store_d.pk}


def test_it_sums_regions_from_their_stores_and_takes_their_medians_from_the_database(network: Network) -> None:
    for store, hours in ((network.store_a, 2), (network.store_b, 4), (network.store_b, 9), (network.store_c, 1)):
        builders.approval(store, requested_ago=30 * HOUR, decided_after=hours * HOUR)
    period = period_parse("7d")
    per_store = kpis.store_figures(Viewer(network.hq), period)
    regions = kpis.region_figures(Viewer(network.hq), period, {s.pk: s.region_id for s in
                                  (network.store_a, network.store_b, network.store_c, network.store_d)})
    north = regions[network.north.pk]
    assert north.decided == 3
    assert north.cycle_p50 == dt.timedelta(hours=4)
    assert per_store[network.store_b.pk].cycle_p50 == dt.timedelta(hours=6.5)
    assert regions[network.south.pk].cycle_p50 == dt.timedelta(hours=1)


def test_it_charts_every_day_of_the_period_including_quiet_ones(network: Network) -> None:
    builders.incident(network.store_a, created_ago=2 * DAY, resolved_after=HOUR)
    builders.exception(network.store_a, opened_ago=HOUR)
    points = kpis.trend(Viewer(network.hq), period_parse("7d"))
    assert len(points) == 7  # six closed days and today
    assert sum(p.opened for p in points) == 2
    assert sum(p.finished for p in points) == 1
    assert points[-1].opened == 1
    weekly = kpis.trend(Viewer(network.hq), period_parse("90d"))
    assert all(point.day.weekday() == 0 for point in weekly)


def test_it_offers_only_the_configured_periods() -> None:
    assert period_parse("").days == 7
    assert period_parse("30d").days == 30
    with pytest.raises(PeriodError, match="choose one of 7d, 30d, 90d"):
        period_parse("365d")
    with pytest.raises(PeriodError):
        period_parse("'; drop table")


def test_it_refuses_a_percentile_outside_zero_to_one() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Percentile(F("amount"), 1.5)


def test_it_computes_a_plain_numeric_percentile(network: Network) -> None:
    for amount in ("10", "20", "30", "40", "50"):
        builders.approval(network.store_a, amount=amount)
    result = ApprovalRequest.objects.aggregate(p=Percentile("amount", 0.25))["p"]
    assert float(result) == pytest.approx(20.0)
