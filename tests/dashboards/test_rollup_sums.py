"""The database adds up the rollup cells as a fold of the cells one by one would (`rollup_sums`), and
the network's figures added up as a whole equal the sum of every store's."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from apps.dashboards import kpis
from apps.dashboards.histogram import Histogram, histogram_add
from apps.dashboards.models import DailyRollup
from apps.dashboards.periods import Period
from apps.dashboards.rollup_sums import GroupKey, RollupSums, rollup_sums
from apps.dashboards.rollups import rollups_refresh
from apps.dashboards.scope import Viewer
from tests.dashboards import builders
from tests.dashboards.test_rollups import START, _random_day
from tests.factories import Network

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def two_weeks(network: Network) -> Any:
    """Random work over two weeks (every kind, decisions undone, exceptions closed days later)."""
    rng = random.Random(5)
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(14):
            _random_day(rng, network)
            traveller.shift(dt.timedelta(hours=rng.choice((7, 11, 24, 30))))
            rollups_refresh()
        for days in (1, 2):  # opened the day before a 7-day period's previous one ends, closed on either side
            builders.exception(network.store_a, opened_ago=8 * DAY, resolved_after=days * DAY)
        _random_day(rng, network)  # and some of today's
        yield traveller


def _cell_by_cell(period: Period, allowed: list[int], *, previous: bool) -> RollupSums:
    """What the database should answer, folded from the cells as the ORM reads them."""
    result = RollupSums()
    totals: dict[GroupKey, list[int]] = {}
    first = period.previous_first_day if previous else period.first_day
    for cell in DailyRollup.objects.filter(store_id__in=allowed, day__gte=first, day__lt=period.today):
        current = cell.day >= period.first_day
        key = (cell.store_id, cell.kind, current)
        total = totals.setdefault(key, [0, 0, 0, 0, 0])
        for index, name in enumerate(("opened", "finished", "due", "met")):
            total[index] += getattr(cell, name)
        if cell.kind == "exceptions":
            limit = None if current else (period.first_day - cell.day).days
            total[4] += sum(count for lag, count in cell.closed_after_days.items() if limit is None or int(lag) < limit)
        if cell.kind in ("approvals", "incidents") and cell.durations:
            histogram_add(result.histograms.setdefault(key, {}), cell.durations)
        if current and cell.kind != "directives":
            result.opened[cell.day] = result.opened.get(cell.day, 0) + cell.opened
            result.finished[cell.day] = result.finished.get(cell.day, 0) + cell.finished
    result.groups = {key: (total[0], total[1], total[2], total[3], total[4]) for key, total in totals.items()}
    return result


def _as_whole(sums: RollupSums) -> tuple[dict[Any, tuple[int, ...]], dict[Any, Histogram]]:
    groups: dict[Any, list[int]] = {}
    histograms: dict[Any, Histogram] = {}
    for (_, kind, current), values in sums.groups.items():
        total = groups.setdefault((None, kind, current), [0] * 5)
        for index, value in enumerate(values):
            total[index] += value
    for (_, kind, current), histogram in sums.histograms.items():
        histogram_add(histograms.setdefault((None, kind, current), {}), histogram)
    return {key: tuple(total) for key, total in groups.items()}, histograms


def _periods() -> list[Period]:
    return [Period(days=days, end=timezone.now()) for days in (1, 3, 7, 30)]


def test_the_database_adds_up_the_cells_as_a_fold_of_every_cell(network: Network, two_weeks: Any) -> None:
    allowed = Viewer(network.hq).allowed()
    for period, previous in itertools.product(_periods(), (False, True)):
        expected = _cell_by_cell(period, allowed, previous=previous)
        assert period.days == 1 or {kind for _, kind, _ in expected.groups} == {
            "approvals", "incidents", "exceptions", "directives"}
        found = rollup_sums(period, allowed, previous=previous)
        assert found.groups == expected.groups
        assert found.histograms == expected.histograms
        assert (found.opened, found.finished) == (expected.opened, expected.finished)
        whole = rollup_sums(period, allowed, previous=previous, per_store=False)
        assert (whole.groups, whole.histograms) == _as_whole(found)
        assert (whole.opened, whole.finished) == (found.opened, found.finished)


def _sum(per_store: dict[int, Any]) -> Any:
    total = kpis.Figures()
    for figures in per_store.values():
        total.add(figures)
    total.percentiles_read()
    return total


def test_network_figures_added_up_as_a_whole_equal_the_sum_of_every_store(network: Network, two_weeks: Any) -> None:
    for viewer, period in itertools.product((network.hq, network.regional_north), _periods()):
        whole = kpis.network_figures(Viewer(viewer), period)  # nothing gathered per store yet: as a whole
        per_store = Viewer(viewer)
        summed = _sum(kpis.gather(per_store, period, previous=True).stores)
        assert whole == summed
        assert whole == kpis.network_figures(per_store, period)  # from the stores already gathered
        assert kpis.trend(Viewer(viewer), period, previous=True, per_store=False) == kpis.trend(per_store, period)
        some = [network.store_a.pk, network.store_c.pk]
        assert kpis.network_figures(Viewer(viewer), period, some) == _sum(
            kpis.gather(Viewer(viewer), period, some, previous=True).stores)
