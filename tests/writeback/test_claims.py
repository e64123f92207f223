"""Outbox mechanics: claiming, leases, backoff, dead letters and replay, with a real Odoo call."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.odoo_gateway import OdooGateway
from apps.writeback.executors import executor_register
from apps.writeback.models import OdooOutage, WriteBack, WriteBackStatus
from apps.writeback.services import (
    writeback_claim,
    writeback_enqueue,
    writeback_replay,
    writeback_run,
    writebacks_dispatch,
    writebacks_recover,
)
from tests.factories import Network

pytestmark = pytest.mark.django_db
KIND = "test.partner_note"


CRASH: list[bool] = []


def post_note(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """A real, idempotent Odoo change: a chatter note on a purchase order, skipped if it is already there."""
    if CRASH:
        raise RuntimeError("a bug in the executor")
    key = writeback.idempotency_key
    found = gateway.search_read("mail.message", [["model", "=", "purchase.order"], ["res_id", "=", writeback.odoo_id],
                                                 ["body", "ilike", key]], ["id"])
    if found:
        return {"message_id": found[0]["id"], "already": True}
    return {"message_id": gateway.message_post("purchase.order", writeback.odoo_id or 0, f"note {key}")}


@pytest.fixture(autouse=True)
def _executor() -> None:
    executor_register(KIND, post_note)


@pytest.fixture
def order(odoo) -> int:  # type: ignore[no-untyped-def]
    return odoo.search("purchase.order", [], limit=1)[0]


def queue(network: Network, order: int, key: str = "wb-1") -> WriteBack:
    return writeback_enqueue(kind=KIND, idempotency_key=key, odoo_model="purchase.order", odoo_id=order,
                             payload={}, store=network.store_a, created_by=network.regional_north)


def notes(odoo, order: int, key: str) -> int:  # type: ignore[no-untyped-def]
    return odoo.search_count("mail.message", [["model", "=", "purchase.order"], ["res_id", "=", order],
                                              ["body", "ilike", key]])


def test_it_applies_once_and_audits_the_outcome(network: Network, odoo, order: int) -> None:
    writeback = queue(network, order)
    assert writeback_run(writeback.pk, gateway=odoo).status == WriteBackStatus.APPLIED
    assert writeback_run(writeback.pk, gateway=odoo) is None  # nothing left to claim
    assert notes(odoo, order, "wb-1") == 1
    assert AuditEvent.objects.filter(action="writeback.applied", object_id=str(writeback.pk)).exists()


def test_it_returns_the_existing_row_for_a_repeated_key(network: Network, odoo, order: int) -> None:
    assert queue(network, order).pk == queue(network, order).pk
    assert WriteBack.objects.count() == 1


def test_it_lets_exactly_one_of_two_claims_win(network: Network, odoo, order: int) -> None:
    writeback = queue(network, order)
    assert writeback_claim(writeback.pk) is not None
    assert writeback_claim(writeback.pk) is None


def test_it_waits_for_odoo_while_it_is_down_then_applies(network: Network, odoo, odoo_server, order: int) -> None:
    writeback = queue(network, order)
    other = queue(network, order, key="wb-2")
    odoo_server.faults.down = True
    waiting = writeback_run(writeback.pk, gateway=odoo)
    assert waiting is not None
    assert waiting.status == WriteBackStatus.WAITING
    assert waiting.waiting_since is not None
    assert "unavailable" in waiting.last_error.lower()
    outage = OdooOutage.objects.get()
    assert outage.unreachable_since is not None  # the probe after the failure found Odoo down: paused
    assert outage.next_probe_at <= timezone.now() + timedelta(seconds=2)
    assert waiting.next_attempt_at <= timezone.now() + timedelta(seconds=2)
    held = writeback_run(other.pk, gateway=odoo)  # the outbox is paused: no call, no attempt used
    assert held is not None
    assert (held.status, held.attempts) == (WriteBackStatus.WAITING, 0)
    odoo_server.faults.down = False
    OdooOutage.objects.update(next_probe_at=timezone.now())
    WriteBack.objects.update(next_attempt_at=timezone.now())
    assert writebacks_dispatch(gateway=odoo) == 2
    writeback.refresh_from_db()
    assert writeback.status == WriteBackStatus.APPLIED
    assert writeback.attempts == 2
    assert notes(odoo, order, "wb-1") == 1
    assert notes(odoo, order, "wb-2") == 1
    assert OdooOutage.objects.get().unreachable_since is None


def test_it_dead_letters_a_crashing_row_after_the_last_attempt_and_replays(network: Network, odoo, order: int,
                                                                          settings) -> None:
    """An unexpected crash (not Odoo being away) is retried a bounded number of times."""
    settings.CT_WRITEBACK_MAX_ATTEMPTS = 2
    writeback = queue(network, order)
    CRASH.append(True)
    try:
        for _ in range(2):
            WriteBack.objects.filter(pk=writeback.pk).update(next_attempt_at=timezone.now())
            writeback_run(writeback.pk, gateway=odoo)
    finally:
        CRASH.clear()
    writeback.refresh_from_db()
    assert writeback.status == WriteBackStatus.DEAD
    assert "RuntimeError" in writeback.last_error
    with pytest.raises(ValueError, match="Only failed"):
        writeback_replay(writeback=queue(network, order, key="other"), actor=network.ops)
    writeback_replay(writeback=writeback, actor=network.ops)
    assert writeback_run(writeback.pk, gateway=odoo).status == WriteBackStatus.APPLIED
    assert notes(odoo, order, "wb-1") == 1
    assert AuditEvent.objects.filter(action="writeback.replayed", actor=network.ops).exists()


def test_it_recovers_a_row_whose_worker_died_after_calling_odoo(network: Network, odoo, order: int) -> None:
    writeback = queue(network, order)
    claimed = writeback_claim(writeback.pk)
    assert claimed is not None
    post_note(claimed, odoo)  # the worker reached Odoo, then died before recording it
    WriteBack.objects.filter(pk=writeback.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert writebacks_recover() == 1
    assert writebacks_dispatch(gateway=odoo) == 1
    writeback.refresh_from_db()
    assert writeback.status == WriteBackStatus.APPLIED
    assert writeback.result["already"] is True
    assert notes(odoo, order, "wb-1") == 1


def test_it_scopes_write_backs_by_store(network: Network, odoo, order: int) -> None:
    queue(network, order)
    assert WriteBack.objects.for_user(network.manager_a).count() == 1
    assert WriteBack.objects.for_user(network.manager_c).count() == 0
