"""Undo: a decision's write-back is held for the undo window; undoing inside it leaves Odoo untouched
(counted in the sandbox's call log), after it the decision applies exactly once."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from apps import events
from apps.approvals.models import ApprovalStatus, Decision
from apps.audit.models import AuditEvent
from apps.events.types import ApprovalUndone, WriteBackWithdrawn
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_claim
from tests.approvals.support import COUNTDOWNS, approvals_sync, calls_of, new_po, request_for, run_writebacks, signed_in
from tests.events.support import of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _north(odoo, odoo_server):  # type: ignore[no-untyped-def]
    """A fresh order of a north store waiting for approval (the sandbox lives for the whole module)."""
    order = new_po(odoo_server, warehouse_id=2)
    approvals_sync(odoo, ("purchase-orders",))
    return request_for("purchase.order", order)


def _approve(client: Client, pk: int) -> str:
    response = client.post(reverse("approvals:decide", args=[pk]), {"outcome": "approve", "from": "row"}, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_it_holds_the_write_back_and_undo_leaves_odoo_untouched(
        world, odoo, odoo_server, settings, dispatched, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.CT_APPROVAL_UNDO_SECONDS = 30
    request = _north(odoo, odoo_server)
    client = signed_in(world.regional_north)
    with django_capture_on_commit_callbacks(execute=True):
        body = _approve(client, request.pk)
    decision = Decision.objects.get()
    writeback = WriteBack.objects.get()
    # The confirmation is a toast for the page's aria-live region, with Undo for this decision.
    assert 'hx-swap-oob="beforeend:#toasts"' in body
    assert f'name="decision" value="{decision.pk}"' in body
    assert "goes to Odoo in 30 s unless you undo it" in body
    assert "Approved here — goes to Odoo at " in body  # the row says it is held
    assert writeback.not_before is not None
    assert writeback.is_held
    assert COUNTDOWNS == [30.0]
    assert dispatched == [writeback.pk]
    before = calls_of(odoo_server, "purchase.order", "button_approve")
    assert run_writebacks(odoo) == []
    assert writeback_claim(writeback.pk) is None

    with events.recording() as recorded:
        response = client.post(reverse("approvals:undo"), {"decision": decision.pk}, **HTMX)
    assert response.status_code == 200
    assert "is open again; nothing went to Odoo" in response.content.decode()
    assert [(e.request.pk, e.decision_id, e.outcome) for e in of(ApprovalUndone, recorded)] == [
        (request.pk, decision.pk, "approve")]
    assert [e.writeback_id for e in of(WriteBackWithdrawn, recorded)] == [writeback.pk]
    assert "approvals-changed" in response["HX-Trigger"]
    request.refresh_from_db()
    assert (request.status, request.decided_at, request.writeback_id) == (ApprovalStatus.OPEN, None, None)
    assert not Decision.objects.exists()
    assert not WriteBack.objects.exists()
    undone = AuditEvent.objects.get(action="approval.undone")
    assert (undone.actor, undone.before["decision"], undone.after["status"]) == (world.regional_north, decision.pk,
                                                                                   "open")
    assert AuditEvent.objects.filter(action="approval.approve").count() == 1  # the trail keeps both
    run_writebacks(odoo)
    assert calls_of(odoo_server, "purchase.order", "button_approve") == before
    # Open again: it can be decided again, under the same round's key.
    _approve(client, request.pk)
    assert WriteBack.objects.get().status == WriteBackStatus.QUEUED


def test_it_applies_once_after_the_window_and_then_refuses_undo(world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CT_APPROVAL_UNDO_SECONDS = 1
    request = _north(odoo, odoo_server)
    client = signed_in(world.regional_north)
    _approve(client, request.pk)
    decision = Decision.objects.get()
    before = calls_of(odoo_server, "purchase.order", "button_approve")
    time.sleep(1.1)
    response = client.post(reverse("approvals:undo"), {"decision": decision.pk}, **HTMX)
    assert response.status_code == 400
    assert "Too late to undo" in response.content.decode()
    assert "data-error-message" in response.content.decode()
    assert [row.status for row in run_writebacks(odoo)] == ["applied"]
    assert run_writebacks(odoo) == []
    assert calls_of(odoo_server, "purchase.order", "button_approve") == before + 1
    assert request_for("purchase.order", request.odoo_id).status == ApprovalStatus.APPROVED
    assert not AuditEvent.objects.filter(action="approval.undone").exists()


def test_it_refuses_undo_once_a_worker_has_claimed_the_row(world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    """The claim and the withdrawal are conditional on the same row: one of them wins, never both."""
    from django.utils import timezone

    settings.CT_APPROVAL_UNDO_SECONDS = 30
    request = _north(odoo, odoo_server)
    client = signed_in(world.regional_north)
    _approve(client, request.pk)
    WriteBack.objects.update(status=WriteBackStatus.IN_PROGRESS, claimed_at=timezone.now())
    response = client.post(reverse("approvals:undo"), {"decision": Decision.objects.get().pk}, **HTMX)
    assert response.status_code == 400
    assert "has gone to Odoo" in response.content.decode()
    assert Decision.objects.count() == 1
    assert WriteBack.objects.count() == 1
    assert request_for("purchase.order", request.odoo_id).status == ApprovalStatus.APPROVED


def test_it_undoes_a_bulk_approval_all_or_nothing(world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CT_APPROVAL_UNDO_SECONDS = 30
    requests = [_north(odoo, odoo_server), _north(odoo, odoo_server)]
    client = signed_in(world.regional_north)
    response = client.post(reverse("approvals:bulk_approve"), {"ids": [item.pk for item in requests]}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Approved 2 requests." in body
    ids = list(Decision.objects.values_list("pk", flat=True))
    for pk in ids:
        assert f'name="decision" value="{pk}"' in body
    first = WriteBack.objects.order_by("pk").first()
    WriteBack.objects.filter(pk=first.pk).update(status=WriteBackStatus.IN_PROGRESS)  # one already taken
    assert client.post(reverse("approvals:undo"), {"decision": ids}, **HTMX).status_code == 400
    assert Decision.objects.count() == 2
    assert WriteBack.objects.count() == 2
    WriteBack.objects.filter(pk=first.pk).update(status=WriteBackStatus.QUEUED)
    response = client.post(reverse("approvals:undo"), {"decision": ids}, **HTMX)
    assert response.status_code == 200
    assert not Decision.objects.exists()
    assert not WriteBack.objects.exists()
    assert AuditEvent.objects.filter(action="approval.undone").count() == 2
    assert all(request_for("purchase.order", item.odoo_id).status == ApprovalStatus.OPEN for item in requests)


def test_it_lets_only_the_decider_undo_in_scope(world, odoo, odoo_server, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CT_APPROVAL_UNDO_SECONDS = 30
    request = _north(odoo, odoo_server)
    _approve(signed_in(world.regional_north), request.pk)
    decision = Decision.objects.get()
    url = reverse("approvals:undo")
    anonymous = Client().post(url, {"decision": decision.pk})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    for person in ("manager_a", "manager_c", "regional_south", "hq"):  # own store, other store, other region, HQ
        response = signed_in(getattr(world, person)).post(url, {"decision": decision.pk}, **HTMX)
        assert response.status_code == 404, person
    assert signed_in(world.regional_north).post(url, {"decision": "x"}, **HTMX).status_code == 400
    assert Decision.objects.count() == 1
    assert WriteBack.objects.get().is_held


def test_it_offers_no_undo_when_the_window_is_off(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    request = _north(odoo, odoo_server)  # the suite runs with CT_APPROVAL_UNDO_SECONDS = 0
    body = _approve(signed_in(world.regional_north), request.pk)
    assert "Approved " in body
    assert "Undo" not in body
    assert WriteBack.objects.get().not_before is None
    assert [row.status for row in run_writebacks(odoo)] == ["applied"]


def test_it_resends_a_task_that_arrives_before_the_hold_ends(world, odoo, odoo_server, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from apps.writeback import tasks

    settings.CT_APPROVAL_UNDO_SECONDS = 30
    _approve(signed_in(world.regional_north), _north(odoo, odoo_server).pk)
    writeback = WriteBack.objects.get()
    again: list[tuple[tuple[int], float]] = []
    monkeypatch.setattr(tasks.apply_writeback, "apply_async", lambda args, countdown: again.append((args, countdown)))
    tasks.apply_writeback.run(writeback.pk)
    assert again
    assert again[0][0] == (writeback.pk,)
    assert 25 < again[0][1] <= 30
    assert WriteBack.objects.get().status == WriteBackStatus.QUEUED
