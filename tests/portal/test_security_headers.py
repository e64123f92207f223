"""Every page carries the Content-Security-Policy: no inline script or style (a nonce where one page
needs it), nothing from other origins, no framing; the sign-in page as much as signed-in pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import Network

pytestmark = pytest.mark.django_db


def policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_it_sends_the_policy_on_the_sign_in_page(client: Client) -> None:
    rules = policy(client.get("/login/"))
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"] == ["'self'"]
    assert rules["style-src"] == ["'self'"]
    assert rules["frame-ancestors"] == ["'none'"]
    assert rules["object-src"] == ["'none'"]
    assert rules["form-action"] == ["'self'"]


@pytest.mark.parametrize(("who", "path"), [("hq", "/"), ("hq", "/dashboards/hq/"), ("regional_north", "/approvals/"),
                                           ("manager_a", "/incidents/new/"), ("ops", "/webhooks/"),
                                           ("ops", "/admin/")])
def test_it_sends_the_policy_on_signed_in_pages(network: Network, who: str, path: str) -> None:
    client = Client()
    client.force_login(getattr(network, who))
    response = client.get(path)
    assert response.status_code == 200
    rules = policy(response)
    assert "'unsafe-inline'" not in rules["script-src"]
    assert "'unsafe-eval'" not in rules["script-src"]
    html = response.content.decode()
    data = 'type="application/json"'  # json_script data blocks are never run
    assert not re.search(rf"<script(?![^>]*\b(src=|{data}))[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


def test_it_allows_the_api_docs_inline_script_by_nonce_only(network: Network) -> None:
    client = Client()
    client.force_login(network.ops)
    response = client.get("/api/v1/docs/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce is not None
    html = response.content.decode()
    assert html.count(f'nonce="{nonce.group(1)}"') == 2  # the style and the script
    assert policy(client.get("/api/v1/docs/"))["script-src"] != policy(response)["script-src"]  # one per request
