"""API tokens: issued once and stored hashed, scoped to their user, limited, expiring, revocable."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.api.models import ApiToken, TokenKind
from apps.api.services import service_account_create, token_issue, token_revoke
from apps.audit.models import AuditEvent
from tests.api.conftest import bearer, error_of, service_token_for, token_for
from tests.factories import Network

pytestmark = pytest.mark.django_db


def test_it_stores_only_a_digest_and_a_visible_prefix(network: Network) -> None:
    issued = token_issue(creator=network.manager_a, user=network.manager_a, name="n8n")
    _, prefix, secret = issued.plaintext.split("_", 2)
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.prefix == prefix
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in ApiToken.objects.filter(pk=token.pk).values().first().values())
    assert secret not in stored
    event = AuditEvent.objects.get(action="api_token.created")
    assert secret not in str(event.after)
    assert event.after["prefix"] == prefix


def test_it_authenticates_as_the_token_user(network: Network) -> None:
    response = bearer(token_for(network.manager_a)).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "manager_a"
    assert response.json()["stores"] == 1


def test_it_refuses_anonymous_calls_with_a_bearer_challenge(network: Network, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/stores/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ct_abcdefghij_" + "x" * 43, "Bearer a b"])
def test_it_refuses_malformed_or_unknown_tokens(network: Network, client, header: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/stores/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_token"


def test_it_refuses_a_token_with_a_wrong_secret_for_a_known_prefix(network: Network, client) -> None:  # type: ignore[no-untyped-def]
    plaintext = token_for(network.manager_a)
    forged = plaintext[:-4] + ("AAAA" if not plaintext.endswith("AAAA") else "BBBB")
    response = client.get("/api/v1/stores/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert response.status_code == 401


def test_it_refuses_an_expired_token(network: Network) -> None:
    plaintext = token_for(network.manager_a, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = bearer(plaintext).get("/api/v1/stores/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "token_expired"


def test_it_refuses_a_revoked_token_at_once(network: Network) -> None:
    issued = token_issue(creator=network.manager_a, user=network.manager_a, name="bi")
    client = bearer(issued.plaintext)
    assert client.get("/api/v1/stores/").status_code == 200
    token_revoke(token=issued.token, actor=network.manager_a)
    response = client.get("/api/v1/stores/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "token_revoked"
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=str(issued.token.pk)).exists()


def test_it_refuses_the_token_of_a_deactivated_user(network: Network) -> None:
    plaintext = token_for(network.manager_a)
    network.manager_a.is_active = False
    network.manager_a.save()
    assert bearer(plaintext).get("/api/v1/stores/").status_code == 401


def test_it_records_the_last_use_at_most_once_a_minute(network: Network) -> None:
    issued = token_issue(creator=network.manager_a, user=network.manager_a, name="bi")
    client = bearer(issued.plaintext)
    client.get("/api/v1/stores/")
    first = ApiToken.objects.get(pk=issued.token.pk).last_used_at
    assert first is not None
    client.get("/api/v1/stores/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at == first
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        client.get("/api/v1/stores/")
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at > first


def test_it_lets_nobody_mint_a_personal_token_for_someone_else(network: Network) -> None:
    with pytest.raises(PermissionDenied):
        token_issue(creator=network.ops, user=network.hq, name="as hq")


def test_it_mints_service_tokens_only_by_operations_for_service_accounts(network: Network) -> None:
    account = service_account_create(creator=network.ops, username="svc-n8n")
    with pytest.raises(PermissionDenied):
        token_issue(creator=network.hq, user=account.user, name="x", kind=TokenKind.SERVICE)
    with pytest.raises(PermissionDenied):
        token_issue(creator=network.ops, user=network.hq, name="x", kind=TokenKind.SERVICE)
    with pytest.raises(PermissionDenied):
        service_account_create(creator=network.hq, username="svc-other")
    issued = token_issue(creator=network.ops, user=account.user, name="n8n", kind=TokenKind.SERVICE)
    assert issued.token.user == account.user
    assert not account.user.has_usable_password()


def test_it_keeps_a_token_limits_inside_its_user_scope(network: Network) -> None:
    with pytest.raises(ValidationError):
        token_issue(creator=network.manager_a, user=network.manager_a, name="x", stores=[network.store_c])
    with pytest.raises(ValidationError):
        token_issue(creator=network.regional_north, user=network.regional_north, name="x", regions=[network.south])


@pytest.mark.parametrize("days", [0, 366])
def test_it_refuses_lifetimes_outside_the_allowed_range(network: Network, days: int) -> None:
    with pytest.raises(ValidationError):
        token_issue(creator=network.manager_a, user=network.manager_a, name="x", days=days)


def test_it_narrows_a_limited_token_to_its_stores(network: Network) -> None:
    plaintext = token_for(network.regional_north, stores=[network.store_b])
    codes = [store["code"] for store in bearer(plaintext).get("/api/v1/stores/").json()["results"]]
    assert codes == ["N02"]
    region_token = token_for(network.hq, regions=[network.south])
    codes = [store["code"] for store in bearer(region_token).get("/api/v1/stores/").json()["results"]]
    assert codes == ["S01", "S02"]


def test_it_gives_a_service_token_its_account_roles_only(network: Network) -> None:
    from apps.organisation.roles import Role
    from apps.organisation.services import role_grant

    user, plaintext = service_token_for(network.ops)
    assert bearer(plaintext).get("/api/v1/stores/").json()["results"] == []
    role_grant(user=user, role=Role.STORE_MANAGER, store=network.store_c, granted_by=network.ops)
    codes = [store["code"] for store in bearer(plaintext).get("/api/v1/stores/").json()["results"]]
    assert codes == ["S01"]
