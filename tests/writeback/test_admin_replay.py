"""The admin's replay action: the replayed rows are sent again and the page says where each ended up
(applied, refused again with Odoo's reason, or still queued when the worker is slower than the wait);
rows that may not be replayed are named; only operations admins (and superusers) have the action."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from apps.writeback import conf
from apps.writeback.executors import WriteBackRefused, executor_register
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_enqueue, writeback_run
from tests.factories import Network

pytestmark = pytest.mark.django_db


def _executor(writeback: WriteBack, gateway: Any) -> dict[str, Any]:
    if writeback.payload.get("refuse"):
        raise WriteBackRefused(writeback.payload["refuse"])
    return {"done": True}


@pytest.fixture(autouse=True)
def _worker_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task runs when the replay commits, as a worker would pick it up."""
    from apps.writeback.tasks import apply_writeback

    executor_register("test.replay", _executor)
    monkeypatch.setattr(apply_writeback, "delay", writeback_run)


def row(network: Network, key: str, status: str, **payload: Any) -> WriteBack:
    writeback = writeback_enqueue(kind="test.replay", idempotency_key=key, odoo_model="purchase.order", odoo_id=7,
                                  payload=payload, store=network.store_a, created_by=network.regional_north)
    WriteBack.objects.filter(pk=writeback.pk).update(status=status, last_error="Odoo said no")
    writeback.refresh_from_db()
    return writeback


def replay(user: object, rows: list[WriteBack]) -> list[tuple[str, str]]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.post("/admin/writeback/writeback/",
                           {"action": "replay", "_selected_action": [r.pk for r in rows]})
    assert response.status_code == 302
    listing = client.get(response["Location"])
    return [(message.level_tag, str(message)) for message in get_messages(listing.wsgi_request)]


@pytest.mark.django_db(transaction=True)  # the replay commits, and the worker takes it, while the page waits
def test_operations_see_each_outcome_in_place(network: Network) -> None:
    dead = row(network, "wb-dead", WriteBackStatus.DEAD)
    refused = row(network, "wb-refused", WriteBackStatus.FAILED, refuse="The order is locked")
    applied = row(network, "wb-done", WriteBackStatus.APPLIED)
    texts = replay(network.ops, [dead, refused, applied])
    assert ("success", f"Write-back {dead.pk} (purchase.order 7): applied in Odoo.") in texts
    assert ("error", f"Write-back {refused.pk} (purchase.order 7): failed again: The order is locked") in texts
    assert ("warning", f"Write-back {applied.pk} (Applied in Odoo): Only failed, conflicted or dead-lettered "
                       "write-backs can be replayed.") in texts
    statuses = dict(WriteBack.objects.values_list("pk", "status"))
    assert statuses == {dead.pk: WriteBackStatus.APPLIED, refused.pk: WriteBackStatus.FAILED,
                        applied.pk: WriteBackStatus.APPLIED}


def test_a_slow_worker_is_reported_as_queued(network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "REPLAY_WAIT_SECONDS", 0)
    monkeypatch.setattr("apps.writeback.services._dispatch", lambda pk: None)  # the broker holds it
    dead = row(network, "wb-dead", WriteBackStatus.DEAD)
    texts = replay(network.ops, [dead])
    assert texts == [("info", f"Write-back {dead.pk} (purchase.order 7): queued; the worker has not sent it yet "
                              "(its status here changes when it has).")]


def test_only_operations_have_the_action(network: Network) -> None:
    dead = row(network, "wb-dead", WriteBackStatus.DEAD)
    for person in (network.hq, network.regional_north, network.manager_a):
        client = Client()
        client.force_login(person)
        response = client.post("/admin/writeback/writeback/", {"action": "replay", "_selected_action": [dead.pk]})
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    dead.refresh_from_db()
    assert dead.status == WriteBackStatus.DEAD
    client = Client()
    client.force_login(network.ops)
    assert 'value="replay"' in client.get("/admin/writeback/writeback/").content.decode()
