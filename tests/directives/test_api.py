"""/api/v1/directives/ through the scope choke point: list, detail, per-store status, completing an
item with a photo, review; tokens narrow, never widen."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.api.models import TokenAccess
from apps.directives.models import CopyStatus, Directive, ItemKind
from tests.api.conftest import bearer, error_of, token_for
from tests.directives.conftest import complete, copy_of, publish
from tests.factories import Network
from tests.incidents.conftest import photo_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def directive(network: Network) -> Directive:
    return publish(network.hq)


def stores_seen(token: str, directive: Directive) -> list[str]:
    response = bearer(token).get(f"/api/v1/directives/{directive.pk}/stores/")
    assert response.status_code == 200, response.content
    return sorted(row["store"]["code"] for row in response.json())


def test_each_role_sees_only_its_stores_status(network: Network, directive: Directive) -> None:
    assert Client().get("/api/v1/directives/").status_code == 401
    assert stores_seen(token_for(network.manager_a), directive) == ["N01"]
    assert stores_seen(token_for(network.regional_north), directive) == ["N01", "N02"]
    assert stores_seen(token_for(network.hq), directive) == ["N01", "N02", "S01", "S02"]
    assert stores_seen(token_for(network.hq, stores=[network.store_c]), directive) == ["S01"]
    listed = bearer(token_for(network.manager_c)).get("/api/v1/directives/").json()
    assert [row["id"] for row in listed["results"]] == [directive.pk]
    detail = bearer(token_for(network.manager_c)).get(f"/api/v1/directives/{directive.pk}/").json()
    assert [item["kind"] for item in detail["items"]] == ["yes_no", "number", "photo"]
    mine = publish(network.regional_north, owner_region=network.north)
    assert bearer(token_for(network.manager_c)).get(f"/api/v1/directives/{mine.pk}/").status_code == 404
    assert bearer(token_for(network.nobody)).get("/api/v1/directives/").json()["results"] == []


def test_a_store_completes_an_item_with_a_photo_and_nobody_else_can(network: Network, directive: Directive) -> None:
    copy, other = copy_of(directive, network.store_a), copy_of(directive, network.store_c)
    photo_item = directive.items.get(kind=ItemKind.PHOTO)
    number_item = directive.items.get(kind=ItemKind.NUMBER)
    url = f"/api/v1/directives/copies/{copy.pk}/items/{photo_item.pk}/complete/"
    token = token_for(network.manager_a)
    missing = bearer(token).post(url, {"note": "no photo"})
    assert missing.status_code == 400
    assert "photo" in error_of(missing)["fields"]
    done = bearer(token).post(url, {"photo": upload("endcap.jpg", photo_bytes()), "note": "aisle 3"})
    assert done.status_code == 200, done.content
    [answer] = done.json()["answers"]
    assert answer["photo_url"].endswith(f"/directives/photos/{copy.answers.get().photo_key}/")
    assert done.json()["status"] == CopyStatus.IN_PROGRESS
    bad = bearer(token).post(f"/api/v1/directives/copies/{copy.pk}/items/{number_item.pk}/complete/",
                             {"value": "lots"}, content_type="application/json")
    assert bad.status_code == 400
    assert "Enter a number" in str(error_of(bad)["fields"])
    assert bearer(token).post(f"/api/v1/directives/copies/{other.pk}/items/{number_item.pk}/complete/",
                              {"value": "3"}, content_type="application/json").status_code == 404
    read_only = token_for(network.manager_a, access=TokenAccess.READ)
    assert bearer(read_only).post(f"/api/v1/directives/copies/{copy.pk}/items/{number_item.pk}/complete/",
                                  {"value": "3"}, content_type="application/json").status_code == 403
    assert copy.answers.count() == 1


def test_the_region_reviews_through_the_api(network: Network, directive: Directive) -> None:
    copy = complete(copy_of(directive, network.store_a), network.manager_a)
    items = list(directive.items.all())
    region = bearer(token_for(network.regional_north))
    review = f"/api/v1/directives/copies/{copy.pk}/items/{{}}/review/"
    assert bearer(token_for(network.manager_a)).post(review.format(items[0].pk), {"decision": "approve"},
                                                     content_type="application/json").status_code == 403
    assert bearer(token_for(network.regional_south)).post(review.format(items[0].pk), {"decision": "approve"},
                                                          content_type="application/json").status_code == 404
    silent = region.post(review.format(items[0].pk), {"decision": "return"}, content_type="application/json")
    assert silent.status_code == 400
    for item in items:
        last = region.post(review.format(item.pk), {"decision": "approve"}, content_type="application/json")
        assert last.status_code == 200, last.content
    assert last.json()["status"] == CopyStatus.APPROVED
    again = region.post(review.format(items[0].pk), {"decision": "approve"}, content_type="application/json")
    assert again.status_code == 409
