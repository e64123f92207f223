"""Every refusal answers in one shape: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import json

import pytest

from apps.api import conf
from apps.api.models import TokenAccess
from tests.api.conftest import bearer, error_of, session, token_for
from tests.factories import Network

pytestmark = pytest.mark.django_db


def test_it_answers_404_in_the_api_shape_for_unknown_addresses(network: Network) -> None:
    client = bearer(token_for(network.hq))
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    hint = client.get("/api/v1/stores")
    assert hint.status_code == 404
    assert "trailing slash" in error_of(hint)["message"]


def test_it_answers_404_for_a_record_outside_the_scope(network: Network) -> None:
    response = bearer(token_for(network.manager_a)).get(f"/api/v1/stores/{network.store_c.pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_it_answers_405_for_a_wrong_method(network: Network) -> None:
    response = bearer(token_for(network.hq)).delete(f"/api/v1/stores/{network.store_a.pk}/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_it_answers_400_with_fields_for_bad_filters(network: Network) -> None:
    response = bearer(token_for(network.hq)).get("/api/v1/approvals/?status=nonsense&amount_min=abc")
    assert response.status_code == 400
    error = error_of(response)
    assert set(error["fields"]) == {"status", "amount_min"}


def test_it_answers_400_for_malformed_json(network: Network) -> None:
    response = bearer(token_for(network.hq)).post("/api/v1/incidents/", data="{not json",
                                                  content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_it_answers_415_for_an_unsupported_content_type(network: Network) -> None:
    response = bearer(token_for(network.hq)).post("/api/v1/incidents/", data="<x/>", content_type="text/xml")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_it_answers_413_for_an_oversized_body_before_reading_it(network: Network) -> None:
    body = json.dumps({"title": "x" * (conf.MAX_JSON_BYTES + 10)})
    response = bearer(token_for(network.hq)).post("/api/v1/incidents/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def test_it_answers_400_for_a_form_with_too_many_fields(network: Network, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = bearer(token_for(network.hq)).post("/api/v1/directives/", {"stores": [f"S{i}" for i in range(20)]})
    assert response.status_code == 400
    assert error_of(response)["message"] == "Too many form fields (at most 10): send a list as JSON."


def test_it_answers_403_for_a_read_only_token_writing(network: Network) -> None:
    response = bearer(token_for(network.manager_a, access=TokenAccess.READ)).post(
        "/api/v1/incidents/", data={"store": network.store_a.pk, "title": "Freezer warm"},
        content_type="application/json")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "read_only_token"
    assert "read-only" in error["message"]


def test_it_requires_csrf_for_session_writes(network: Network) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(network.manager_a)
    response = client.post("/api/v1/incidents/", data={"store": network.store_a.pk, "title": "Freezer warm"},
                           content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_it_throttles_each_token_on_its_own_budget(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "RATE_TOKEN", "3/minute")
    first, second = bearer(token_for(network.hq)), bearer(token_for(network.manager_a))
    assert [first.get("/api/v1/stores/").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/v1/stores/")
    assert refused.status_code == 429
    assert error_of(refused)["code"] == "throttled"
    assert int(refused["Retry-After"]) >= 1
    assert second.get("/api/v1/stores/").status_code == 200


def test_it_throttles_anonymous_callers_by_address(network: Network, client,  # type: ignore[no-untyped-def]
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "RATE_ANONYMOUS", "2/minute")
    codes = [client.get("/api/v1/stores/").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_it_serves_the_session_user_too(network: Network) -> None:
    response = session(network.manager_a).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["token"] is None


def test_it_rate_limits_guessing_tokens_by_address(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.test import Client

    monkeypatch.setattr(conf, "RATE_ANONYMOUS", "2/minute")
    guesser = Client(HTTP_AUTHORIZATION="Bearer ct_aaaaaaaaaa_" + "b" * 43)
    assert [guesser.get("/api/v1/stores/").status_code for _ in range(3)] == [401, 401, 429]
