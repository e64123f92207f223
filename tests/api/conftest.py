"""Fixtures for API tests: tokens per role, clients that present them, a private media root and
triage model, and a clean cache (throttle budgets, the webhook flag) for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from apps.api.models import TokenAccess, TokenKind
from apps.api.services import service_account_create, token_issue
from apps.incidents import conf as incident_conf
from apps.incidents.triage import classifier


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _triage_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Incidents submitted through the API are triaged: train once per session, never in var/."""
    previous = incident_conf.TRIAGE_MODEL_DIR
    incident_conf.TRIAGE_MODEL_DIR = tmp_path_factory.mktemp("api-triage")
    classifier.model_forget()
    yield incident_conf.TRIAGE_MODEL_DIR
    incident_conf.TRIAGE_MODEL_DIR = previous
    classifier.model_forget()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def token_for(user: Any, *, access: str = TokenAccess.READ_WRITE, **limits: Any) -> str:
    """A personal token of `user` (read-write unless said otherwise); returns the secret."""
    return token_issue(creator=user, user=user, name=f"test {user.username}", access=access, **limits).plaintext


def service_token_for(ops: Any, username: str = "svc-test", **options: Any) -> tuple[Any, str]:
    account = service_account_create(creator=ops, username=username)
    issued = token_issue(creator=ops, user=account.user, name="service", kind=TokenKind.SERVICE, **options)
    return account.user, issued.plaintext


def bearer(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error_of(response: Any) -> dict[str, Any]:
    """The error object of a refusal, checked to have the documented shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str)
    assert error["code"]
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["fields"], dict)
    return error
