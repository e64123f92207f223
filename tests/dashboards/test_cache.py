"""The shared figure cache: reused while nothing changed, dropped for the stores a committed change
names (before the notice goes out), network figures reused for a bounded time, never across scopes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.dashboards import conf
from apps.live.broadcast import panels_changed
from tests.dashboards import builders
from tests.dashboards.builders import HOUR
from tests.dashboards.conftest import signed_in
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def caching(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(conf, "CACHE_SECONDS", 60)
    monkeypatch.setattr(conf, "NETWORK_STALE_SECONDS", 10)
    cache.clear()
    yield
    cache.clear()


def queries(client: Any, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def open_count(body: str, code: str) -> str:
    row = body.split(f'data-code="{code}"', 1)[1]
    return row.split('<td class="num">', 1)[1].split("<", 1)[0]


def announce(capture: Any, store_id: int) -> None:
    """What every service does: announce after its transaction commits (here: run the callbacks)."""
    with capture(execute=True):
        panels_changed(store_id=store_id, topics=["incidents"])


def test_it_reuses_figures_until_a_change_to_one_of_their_stores_is_announced(
        network: Network, django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(network.regional_north)
    url = "/dashboards/region/NORTH/panels/stores/"
    builders.incident(network.store_a)
    cold, body = queries(client, url)
    warm, _ = queries(client, url)
    assert warm < cold
    assert open_count(body, "N01") == "1"
    builders.incident(network.store_a)
    assert open_count(queries(client, url)[1], "N01") == "1"  # not announced yet: still the cached figures
    announce(django_capture_on_commit_callbacks, network.store_a.pk)
    assert open_count(queries(client, url)[1], "N01") == "2"


def test_it_ignores_changes_to_stores_outside_the_cached_scope(network: Network,
                                                               django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(network.regional_north)
    url = "/dashboards/region/NORTH/panels/stores/"
    cold, _ = queries(client, url)
    announce(django_capture_on_commit_callbacks, network.store_c.pk)  # a southern store
    warm, _ = queries(client, url)
    assert warm < cold


def test_it_keeps_network_figures_for_a_bounded_time_after_a_change(
        network: Network, django_capture_on_commit_callbacks: Any) -> None:
    client = signed_in(network.hq)
    url = "/dashboards/hq/panels/tiles/"
    start = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        builders.incident(network.store_c, created_ago=HOUR)
        body = queries(client, url)[1]
        assert "2 open now" not in body
        builders.incident(network.store_d, created_ago=HOUR)
        announce(django_capture_on_commit_callbacks, network.store_d.pk)
        clock.shift(dt.timedelta(seconds=5))
        assert "2 open now" not in queries(client, url)[1]  # within the network's stale window
        clock.shift(dt.timedelta(seconds=6))
        assert "2 open now" in queries(client, url)[1]


def test_it_never_serves_one_scope_the_figures_of_another(network: Network) -> None:
    builders.incident(network.store_a, title="North only")
    builders.incident(network.store_c)
    builders.incident(network.store_d)
    north = queries(signed_in(network.regional_north), "/dashboards/region/NORTH/panels/stores/")[1]
    south = queries(signed_in(network.regional_south), "/dashboards/region/SOUTH/panels/stores/")[1]
    assert 'data-code="N01"' in north
    assert 'data-code="S01"' not in north
    assert 'data-code="S01"' in south
    assert 'data-code="N01"' not in south
    store = queries(signed_in(network.manager_a), "/dashboards/store/N01/panels/summary/")[1]
    assert "incidents 1" in store
