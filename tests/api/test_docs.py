"""The OpenAPI schema and the interactive docs, served from the portal's own static files."""

from __future__ import annotations

import re

import pytest

from tests.factories import Network

pytestmark = pytest.mark.django_db


def test_it_serves_an_openapi_3_schema_with_every_resource(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ("/api/v1/stores/", "/api/v1/regions/", "/api/v1/approvals/", "/api/v1/approvals/{id}/decide/",
                 "/api/v1/incidents/", "/api/v1/incidents/{id}/comments/", "/api/v1/exceptions/{id}/snooze/",
                 "/api/v1/exceptions/{id}/acknowledge/", "/api/v1/exceptions/{id}/resolve/", "/api/v1/health/",
                 "/api/v1/audit/", "/api/v1/me/"):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    decide = schema["paths"]["/api/v1/approvals/{id}/decide/"]["post"]
    assert {"400", "401", "403", "404", "409", "429"} <= set(decide["responses"])
    assert decide["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    names = set(schema["components"]["schemas"])
    assert not any(re.fullmatch(r"[A-Za-z]+[0-9a-f]{3}Enum", name) for name in names), names
    status = schema["components"]["schemas"]["ApprovalRequest"]["properties"]["status"]
    assert status["allOf"][0]["enum"] == ["open", "approved", "rejected", "closed", "conflict"]


def test_it_serves_the_interactive_docs_without_any_cdn(client, network: Network) -> None:  # type: ignore[no-untyped-def]
    client.force_login(network.manager_a)
    for page in ("/api/v1/docs/",):  # Redoc is not offered: its page loads web fonts from Google
        response = client.get(page)
        assert response.status_code == 200
        html = response.content.decode()
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets
        assert all(not asset.startswith(("http://", "https://", "//")) for asset in assets), assets
        assert any("drf_spectacular_sidecar" in asset for asset in assets)
    assert '"validatorUrl": null' in client.get("/api/v1/docs/").content.decode()
    bundle = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', client.get("/api/v1/docs/").content.decode())
    assert bundle
    assert client.get(bundle.group(1)).status_code == 200


def test_it_refuses_other_methods_on_the_docs_in_the_api_shape(client) -> None:  # type: ignore[no-untyped-def]
    from tests.api.conftest import error_of

    response = client.post("/api/v1/docs/")
    assert response.status_code in (403, 405)  # CSRF may refuse first for a session-less POST
    error_of(response)
    response = client.put("/api/v1/docs/", HTTP_X_CSRFTOKEN="x")
    assert response.status_code in (403, 405)
    assert client.get("/api/v1/docs/", HTTP_ACCEPT="application/json").status_code == 406
