"""The API & webhooks page: personal tokens for every role, service accounts and service tokens for
operations; the secret is shown once and the page is never cached."""

from __future__ import annotations

import re

import pytest

from apps.api.models import ApiToken, ServiceAccount, TokenKind
from apps.api.services import service_account_create, token_issue
from tests.api.conftest import bearer, session
from tests.factories import Network

pytestmark = pytest.mark.django_db
PAGE = "/api/v1/tokens/ui/"


def secret_in(html: str) -> str:
    match = re.search(r'value="(ct_[a-z2-9]{10}_[A-Za-z0-9_-]+)" data-token-secret', html)
    assert match, "no token shown"
    return match.group(1)


def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert client.post(f"{PAGE}new/", {"kind": "personal"}).status_code == 302


def test_it_refuses_people_without_a_role(network: Network) -> None:
    response = session(network.nobody).get(PAGE)
    assert response.status_code == 403
    assert "role" in response.content.decode()


def test_it_creates_a_personal_token_shown_once(network: Network) -> None:
    client = session(network.manager_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    assert "Service accounts" not in page.content.decode()
    response = client.post(f"{PAGE}new/", {"kind": "personal", "personal-name": "Excel refresh",
                                           "personal-access": "read", "personal-days": "30",
                                           "personal-stores": [network.store_a.pk]})
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = secret_in(response.content.decode())
    token = ApiToken.objects.get()
    assert token.user == network.manager_a
    assert token.kind == TokenKind.PERSONAL
    assert token.limited
    assert bearer(secret).get("/api/v1/me/").json()["token"]["name"] == "Excel refresh"
    again = client.get(PAGE).content.decode()
    assert secret not in again
    assert token.display in again


def test_it_refuses_limits_outside_the_person_s_stores(network: Network) -> None:
    response = session(network.manager_a).post(f"{PAGE}new/", {
        "kind": "personal", "personal-name": "x", "personal-access": "read", "personal-days": "30",
        "personal-stores": [network.store_c.pk]})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_refuses_a_lifetime_over_the_maximum(network: Network) -> None:
    response = session(network.manager_a).post(f"{PAGE}new/", {
        "kind": "personal", "personal-name": "x", "personal-access": "read", "personal-days": "9999"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_it_lets_operations_create_a_service_account_and_its_token(network: Network) -> None:
    client = session(network.ops)
    assert "Service accounts" in client.get(PAGE).content.decode()
    created = client.post(f"{PAGE}service-accounts/", {"username": "svc-n8n", "description": "n8n flows"})
    assert created.status_code == 302
    account = ServiceAccount.objects.get()
    response = client.post(f"{PAGE}new/", {"kind": "service", "service-account": account.pk,
                                           "service-name": "n8n", "service-access": "read_write",
                                           "service-days": "90"})
    assert response.status_code == 201
    secret = secret_in(response.content.decode())
    assert bearer(secret).get("/api/v1/me/").json()["username"] == "svc-n8n"


def test_it_keeps_service_accounts_to_operations(network: Network) -> None:
    account = service_account_create(creator=network.ops, username="svc-bi")
    client = session(network.hq)
    assert client.post(f"{PAGE}service-accounts/", {"username": "svc-x"}).status_code == 403
    response = client.post(f"{PAGE}new/", {"kind": "service", "service-account": account.pk, "service-name": "x",
                                           "service-access": "read", "service-days": "5"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_it_revokes_own_tokens_and_hides_other_people_s(network: Network) -> None:
    own = token_issue(creator=network.manager_a, user=network.manager_a, name="mine").token
    other = token_issue(creator=network.manager_c, user=network.manager_c, name="theirs").token
    client = session(network.manager_a)
    assert client.post(f"{PAGE}{other.pk}/revoke/").status_code == 404
    assert client.post(f"{PAGE}{own.pk}/revoke/").status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_at is not None
    assert other.revoked_at is None
    assert session(network.ops).post(f"{PAGE}{other.pk}/revoke/").status_code == 302
    other.refresh_from_db()
    assert other.revoked_at is not None


def test_it_pins_the_page_query_count(network: Network, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from apps.organisation.roles import Role
    from apps.organisation.services import role_grant

    account = service_account_create(creator=network.ops, username="svc-bi")
    role_grant(user=account.user, role=Role.REGIONAL_MANAGER, region=network.north, granted_by=network.ops)
    for number in range(5):
        token_issue(creator=network.ops, user=network.ops, name=f"ops {number}", stores=[network.store_a])
        token_issue(creator=network.ops, user=account.user, name=f"svc {number}", kind=TokenKind.SERVICE,
                    regions=[network.north])
    client = session(network.ops)
    client.get(PAGE)
    with django_assert_max_num_queries(26):
        assert client.get(PAGE).status_code == 200


def test_it_issues_tokens_in_the_django_admin_and_shows_the_secret_once(network: Network) -> None:
    client = session(network.ops)
    response = client.post("/admin/api/apitoken/add/", {
        "name": "From admin", "kind": "personal", "user": network.ops.pk, "access": "read", "days": "10"})
    assert response.status_code == 200, response.content[:2000]
    html = response.content.decode()
    match = re.search(r'value="(ct_[a-z2-9]{10}_[A-Za-z0-9_-]+)"', html)
    assert match
    assert bearer(match.group(1)).get("/api/v1/me/").json()["username"] == "ops"
    refused = client.post("/admin/api/apitoken/add/", {
        "name": "As HQ", "kind": "personal", "user": network.hq.pk, "access": "read", "days": "10"})
    assert refused.status_code == 200
    assert ApiToken.objects.count() == 1
