"""HQ's on-time directive completion tile, on hand-computed figures (closed days from the rollups,
today from the rows)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from apps.dashboards import kpis
from apps.dashboards.periods import period_parse
from apps.dashboards.scope import Viewer
from apps.dashboards.tiles import network_tiles
from apps.directives.models import DirectiveStatus
from tests.dashboards import builders
from tests.dashboards.builders import HOUR
from tests.factories import Network

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)  # London is on UTC in March
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_it_counts_copies_due_in_the_period_done_from_a_submission_by_their_due_time(network: Network) -> None:
    a, b, c = network.store_a, network.store_b, network.store_c
    # This period (4 March 00:00 to now): 5 copies due, 2 on time.
    builders.directive_copy(a, due_ago=2 * DAY, submitted_after=-HOUR, approved_after=3 * HOUR)  # on time
    builders.directive_copy(b, due_ago=3 * DAY, submitted_after=-2 * HOUR, approved_after=-HOUR)  # on time
    builders.directive_copy(c, due_ago=2 * DAY, submitted_after=HOUR, approved_after=2 * HOUR)    # late submission
    builders.directive_copy(a, due_ago=DAY, submitted_after=-HOUR)                               # in review: not done
    builders.directive_copy(b, due_ago=2 * HOUR)                                                  # due today, not begun
    builders.directive_copy(a, due_ago=-5 * HOUR)                                                 # due later today
    builders.directive_copy(b, due_ago=-2 * DAY)                                                  # due in two days
    # The 7 days before: 2 due, 2 on time.
    builders.directive_copy(a, due_ago=8 * DAY, submitted_after=-HOUR, approved_after=HOUR)
    builders.directive_copy(c, due_ago=10 * DAY, submitted_after=-HOUR, approved_after=HOUR)
    # A cancelled directive's copy counts nowhere.
    cancelled = builders.directive_copy(c, due_ago=2 * DAY, submitted_after=-HOUR, approved_after=HOUR)
    cancelled.directive.status = DirectiveStatus.CANCELLED
    cancelled.directive.save()
    cancelled.save()  # its copy written again, as cancelling does
    builders.rollups_refresh()

    figures = kpis.network_figures(Viewer(network.hq), period_parse("7d"))
    assert (figures.directives_met, figures.directives_due) == (2, 5)
    assert (figures.directives_met_prev, figures.directives_due_prev) == (2, 2)
    tile = {tile.key: tile for tile in network_tiles(figures, period_parse("7d"))}["directives"]
    assert tile.value == "40%"  # en-GB; "40 %" in French
    assert tile.detail == "2 of 5 due"
    assert tile.change_text == "▼ 60 points less than the 7 days before (worse)"
    south = kpis.network_figures(Viewer(network.regional_south), period_parse("7d"))
    assert (south.directives_met, south.directives_due) == (0, 1)
