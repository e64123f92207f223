"""One scope, three doors: `for_user` (inbox, API), the dashboards' `Viewer` and a live connection's
`LiveScope` must agree for every person, with every store and region active and with a store and a
region deactivated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.dashboards.scope import Viewer
from apps.live.selectors import live_scope_for
from apps.organisation.models import Region, Store
from apps.organisation.roles import Action
from apps.writeback.models import WriteBack
from tests.factories import Network

pytestmark = pytest.mark.django_db
ALL = {"N01", "N02", "S01", "S02"}

# Who sees which stores' records: all active, then store N02 and region South deactivated.
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "anonymous": (set(), set()),
    "nobody": (set(), set()),
    "manager_a": ({"N01"}, {"N01"}),  # own store, never another
    "manager_c": ({"S01"}, set()),  # own store, in a deactivated region
    "regional_north": ({"N01", "N02"}, {"N01"}),  # inside the region, not outside; not a closed store
    "regional_south": ({"S01", "S02"}, set()),
    "hq": (ALL, {"N01"}),  # the network: never a closed store or a deactivated region's
    "ops": (ALL, {"N01"}),
}


def person(network: Network, name: str):  # type: ignore[no-untyped-def]
    return AnonymousUser() if name == "anonymous" else getattr(network, name)


def records(network: Network) -> dict[int, str]:
    """One store-owned record per store (a write-back row), by id → store code."""
    rows = {}
    for store in (network.store_a, network.store_b, network.store_c, network.store_d):
        row = WriteBack.objects.create(idempotency_key=f"matrix-{store.code}", kind="matrix", odoo_model="x",
                                       store=store)
        rows[row.pk] = store.code
    return rows


def through_for_user(user, rows: dict[int, str]) -> set[str]:  # type: ignore[no-untyped-def]
    return {rows[pk] for pk in WriteBack.objects.for_user(user, Action.VIEW).values_list("pk", flat=True)}


def through_viewer(user, rows: dict[int, str]) -> set[str]:  # type: ignore[no-untyped-def]
    viewer = Viewer(user)
    seen = {rows[pk] for pk in viewer.narrow(WriteBack.objects.all()).values_list("pk", flat=True)}
    hinted = {rows[pk] for pk in viewer.narrow(WriteBack.objects.all(), index_hint=True).values_list("pk", flat=True)}
    assert seen == hinted  # the period-bounded form narrows alike
    return seen


def through_live(user, rows: dict[int, str]) -> set[str]:  # type: ignore[no-untyped-def]
    scope = live_scope_for(user.pk if user.is_authenticated else 0)
    by_code = {store.code: store.pk for store in Store.objects.all()}
    return {code for code in set(rows.values()) if scope.may_see(by_code[code])}


DOORS: dict[str, Callable[..., set[str]]] = {"for_user": through_for_user, "viewer": through_viewer,
                                             "live": through_live}


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("deactivated", [False, True], ids=["all-active", "store-and-region-deactivated"])
def test_every_door_shows_the_same_records(network: Network, door: str, name: str, deactivated: bool) -> None:
    rows = records(network)
    if deactivated:
        Store.objects.filter(pk=network.store_b.pk).update(active=False)
        Region.objects.filter(pk=network.south.pk).update(active=False)
    assert DOORS[door](person(network, name), rows) == EXPECTED[name][deactivated]
