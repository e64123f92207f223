"""The webhook hint endpoint: every refusal is a clear 4xx that schedules nothing."""

from __future__ import annotations

import json
import time

import pytest
from django.core.cache import cache
from django.test import Client

from apps.sync.feeds import feeds_ensure
from apps.sync.hints import MAX_BODY_BYTES, hint_path, sign
from apps.sync.models import PendingRefetch, WebhookRejection

pytestmark = pytest.mark.django_db

SECRET = "s" * 40


@pytest.fixture(autouse=True)
def _feeds(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CT_WEBHOOK_SECRET = ""
    settings.CT_HINT_COALESCE_SECONDS = 60  # the refetch task must not run inside these tests
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.clear()
    feeds_ensure()


def post(body: bytes | str, path: str | None = None, **headers: str):  # type: ignore[no-untyped-def]
    data = body.encode() if isinstance(body, str) else body
    return Client().post(path or hint_path(), data=data, content_type="application/json", headers=headers)


def hint(model: str = "purchase.order", odoo_id: int = 7) -> str:
    return json.dumps({"_action": "Send Webhook Notification(#3)", "_id": odoo_id, "_model": model})


def test_it_accepts_odoo_hints_and_collapses_duplicates() -> None:
    for _ in range(3):
        response = post(hint())
        assert response.status_code == 202
        assert response.json() == {"status": "ok"}
    pending = PendingRefetch.objects.get(odoo_model="purchase.order", odoo_id=7)
    assert pending.hints == 3


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ("not json", 400, "malformed"),
        ("[1, 2]", 400, "malformed"),
        ('{"_model": "purchase.order", "_id": "7"}', 400, "malformed"),
        ('{"_model": "purchase.order", "_id": -1}', 400, "malformed"),
        ('{"_model": "res.partner", "_id": 7}', 422, "unknown_model"),
    ],
)
def test_it_refuses_malformed_hints_with_a_message(body: str, status: int, reason: str) -> None:
    response = post(body)
    assert response.status_code == status
    assert response.json()["error"]
    assert not PendingRefetch.objects.exists()
    assert WebhookRejection.objects.get().reason == reason


def test_it_hides_the_endpoint_behind_the_token() -> None:
    response = post(hint(), path="/hooks/odoo/guessed-token/")
    assert response.status_code == 404
    assert not PendingRefetch.objects.exists()


def test_it_refuses_oversized_bodies() -> None:
    response = post('{"_model": "purchase.order", "_id": 1, "pad": "' + "x" * MAX_BODY_BYTES + '"}')
    assert response.status_code == 413
    assert not PendingRefetch.objects.exists()


def test_it_only_takes_post() -> None:
    assert Client().get(hint_path()).status_code == 405


class TestSigned:
    @pytest.fixture(autouse=True)
    def _secret(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.CT_WEBHOOK_SECRET = SECRET

    def signed(self, body: str, *, at: int | None = None, secret: str = SECRET):  # type: ignore[no-untyped-def]
        stamp = int(time.time()) if at is None else at
        return post(body, **{"X-Signature": sign(body.encode(), stamp, secret), "X-Signature-Timestamp": str(stamp)})

    def test_it_accepts_a_valid_signature(self) -> None:
        assert self.signed(hint()).status_code == 202

    def test_it_refuses_unsigned_hints_when_a_secret_is_set(self) -> None:
        assert post(hint()).status_code == 401

    def test_it_refuses_a_wrong_signature(self) -> None:
        assert self.signed(hint(), secret="x" * 40).status_code == 401

    def test_it_refuses_a_stale_timestamp(self) -> None:
        assert self.signed(hint(), at=int(time.time()) - 3600).status_code == 401

    def test_it_refuses_a_replayed_hint(self) -> None:
        body, stamp = hint(), int(time.time())
        headers = {"X-Signature": sign(body.encode(), stamp, SECRET), "X-Signature-Timestamp": str(stamp)}
        assert post(body, **headers).status_code == 202
        assert post(body, **headers).status_code == 409
        assert PendingRefetch.objects.get().hints == 1
        assert WebhookRejection.objects.get().reason == "replayed"
