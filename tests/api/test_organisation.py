"""Stores, regions and /me per role: each caller sees their part of the network only."""

from __future__ import annotations

import pytest

from apps.api.models import TokenAccess
from tests.api.conftest import bearer, token_for
from tests.factories import Network, make_store

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


@pytest.mark.parametrize(("who", "expected"), [
    ("manager_a", ["N01"]), ("manager_c", ["S01"]), ("regional_north", ["N01", "N02"]),
    ("hq", ["N01", "N02", "S01", "S02"]), ("ops", ["N01", "N02", "S01", "S02"]), ("nobody", []),
])
def test_it_lists_the_stores_each_role_sees(network: Network, who: str, expected: list[str]) -> None:
    assert codes(bearer(token_for(getattr(network, who))).get("/api/v1/stores/")) == expected


def test_it_lists_regions_with_the_visible_store_count(network: Network) -> None:
    response = bearer(token_for(network.manager_a)).get("/api/v1/regions/")
    assert [(r["code"], r["store_count"]) for r in response.json()["results"]] == [("NORTH", 1)]
    response = bearer(token_for(network.hq)).get("/api/v1/regions/?ordering=-code")
    assert [(r["code"], r["store_count"]) for r in response.json()["results"]] == [("SOUTH", 2), ("NORTH", 2)]


def test_it_filters_and_orders_stores(network: Network) -> None:
    client = bearer(token_for(network.hq))
    assert codes(client.get("/api/v1/stores/?region=SOUTH")) == ["S01", "S02"]
    assert codes(client.get("/api/v1/stores/?ordering=-code&region=NORTH")) == ["N02", "N01"]


def test_it_pages_with_a_cursor(network: Network) -> None:
    for number in range(3, 9):
        make_store(network.north, f"N0{number}")
    client = bearer(token_for(network.hq))
    first = client.get("/api/v1/stores/?page_size=4").json()
    assert len(first["results"]) == 4
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    seen = [s["code"] for page in (first, second, third) for s in page["results"]]
    assert seen == sorted(seen)
    assert len(set(seen)) == 10
    assert third["next"] is None
    assert client.get("/api/v1/stores/?cursor=garbage").status_code == 404


def test_it_keeps_the_store_list_query_count_flat(network: Network, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for number in range(3, 9):
        make_store(network.north, f"N0{number}")
    client = bearer(token_for(network.hq))
    client.get("/api/v1/stores/")
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/stores/").json()["results"]) == 10


def test_it_tells_the_caller_what_the_token_allows(network: Network) -> None:
    me = bearer(token_for(network.regional_north, access=TokenAccess.READ, stores=[network.store_b])).get(
        "/api/v1/me/").json()
    assert me["username"] == "regional_north"
    assert me["stores"] == 1
    assert me["can_decide"] is False  # read-only
    assert me["token"]["stores"] == ["N02"]
    assert me["token"]["access"] == "read"


def test_it_opens_the_root_without_credentials(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/v1/").json()
    assert body["resources"]["approval"].endswith("/api/v1/approvals/")
    assert body["docs"].endswith("/api/v1/docs/")
