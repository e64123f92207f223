"""The inbox, detail, fragments and decision endpoints, per role and store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.approvals.models import ApprovalRequest, ApprovalStatus, Decision
from apps.audit.models import AuditEvent
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.approvals.support import approvals_sync, new_po, open_requests, request_for, run_writebacks, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def north_and_south(world) -> tuple[ApprovalRequest, ApprovalRequest]:  # type: ignore[no-untyped-def]
    north = open_requests("purchase-orders", store=world.store_a)[0]
    south = open_requests("purchase-orders", store=world.store_c)[0]
    return north, south


def test_it_sends_anonymous_visitors_to_sign_in_from_every_door(world) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    north, _ = north_and_south(world)
    for url in (reverse("approvals:inbox"), reverse("approvals:panel"), reverse("approvals:detail", args=[north.pk]),
                reverse("approvals:row", args=[north.pk]), reverse("approvals:decision_panel", args=[north.pk])):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = Client().post(reverse("approvals:decide", args=[north.pk]), {"outcome": "approve"})
    assert response.status_code == 302
    assert not Decision.objects.exists()


@pytest.mark.parametrize(("person", "sees", "hidden"), [
    ("manager_a", ["N01"], ["N02", "S01", "S02"]),
    ("manager_c", ["S01"], ["N01", "N02", "S02"]),
    ("regional_north", ["N01", "N02"], ["S01", "S02"]),
    ("hq", ["N01", "N02", "S01", "S02"], []),
    ("nobody", [], ["N01", "N02", "S01", "S02"]),
])
def test_it_lists_only_the_requests_in_scope_on_page_and_fragment(world, person, sees, hidden) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, person))
    for url in (reverse("approvals:inbox"), reverse("approvals:panel")):
        body = client.get(url).content.decode()
        for code in sees:
            assert f"<td>{code}</td>" in body
        for code in hidden:
            assert f"<td>{code}</td>" not in body


def test_it_orders_by_deadline_and_counts_open_and_overdue(world) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    late = open_requests("customer-refunds", store=world.store_b)[0]
    ApprovalRequest.objects.filter(pk=late.pk).update(deadline=timezone.now() - timedelta(hours=1))
    response = signed_in(world.regional_north).get(reverse("approvals:inbox"))
    rows = response.context["rows"]
    assert rows[0].pk == late.pk
    assert [row.deadline for row in rows] == sorted(row.deadline for row in rows)
    counts = response.context["counts"]
    assert counts["overdue"] == 1
    assert counts["open"] == ApprovalRequest.objects.filter(store__region=world.north, status="open").count()
    assert "1 overdue" in response.content.decode()
    overdue_only = signed_in(world.regional_north).get(reverse("approvals:inbox"), {"overdue": "1"})
    assert [row.pk for row in overdue_only.context["rows"]] == [late.pk]


def test_it_filters_by_kind_store_and_amount_and_reports_bad_filters(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    rows = client.get(reverse("approvals:inbox"), {"kind": "expense-reports", "store": "S01"}).context["rows"]
    assert rows
    assert {(row.kind, row.store.code) for row in rows} == {("expense-reports", "S01")}
    rows = client.get(reverse("approvals:inbox"), {"min_amount": "1000"}).context["rows"]
    assert rows
    assert all(row.amount >= 1000 for row in rows)
    response = client.get(reverse("approvals:inbox"), {"min_amount": "lots"})
    assert response.status_code == 200
    assert "Minimum amount must be a number." in response.content.decode()


def test_it_keeps_the_inbox_query_count_flat(world, odoo, odoo_server, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    client.get(reverse("approvals:inbox"))
    for _ in range(6):
        new_po(odoo_server, warehouse_id=10)
    approvals_sync(odoo, ("purchase-orders",))
    for request in open_requests("purchase-orders", store=world.store_c)[:3]:
        from apps.approvals.services.decisions import decision_record

        decision_record(request=request, actor=world.hq, outcome="approve")
    with django_assert_max_num_queries(13):  # + the decided tab's count and saved views, - the page count
        response = client.get(reverse("approvals:inbox"))
    assert len(response.context["rows"]) > 10
    with django_assert_max_num_queries(9):
        client.get(reverse("approvals:panel"), **HTMX)


def test_it_shows_the_detail_with_lines_from_odoo_and_a_link_to_odoo(world, settings) -> None:  # type: ignore[no-untyped-def]
    north, _ = north_and_south(world)
    client = signed_in(world.regional_north)
    body = client.get(reverse("approvals:detail", args=[north.pk])).content.decode()
    assert north.reference in body
    assert f"{settings.ODOO_URL}/odoo/purchase.order/{north.odoo_id}" in body
    lines = client.get(reverse("approvals:lines", args=[north.pk]), **HTMX).content.decode()
    assert "<table" in lines
    assert "<th scope=\"col\" class=\"num\">Subtotal</th>" in lines  # Odoo's own label, not "Price_subtotal"
    assert "price_subtotal" not in lines.lower()


def test_it_hides_other_regions_from_every_door_with_a_404(world) -> None:  # type: ignore[no-untyped-def]
    _, south = north_and_south(world)
    client = signed_in(world.regional_north)
    for name in ("detail", "row", "decision_panel", "lines"):
        assert client.get(reverse(f"approvals:{name}", args=[south.pk])).status_code == 404
    for name, data in (("decide", {"outcome": "approve"}), ("escalate", {"reason": "x"}),
                       ("extend", {"reason": "x", "deadline": "2099-01-01T10:00"}),
                       ("reassign", {"reason": "x", "assignee": "regional_north"}), ("retry", {})):
        assert client.post(reverse(f"approvals:{name}", args=[south.pk]), data).status_code == 404
    response = client.post(reverse("approvals:bulk_approve"), {"ids": [south.pk]}, **HTMX)
    assert response.status_code == 404
    assert "not in your scope" in response.content.decode()
    assert not Decision.objects.exists()
    assert ApprovalRequest.objects.get(pk=south.pk).status == ApprovalStatus.OPEN


def test_it_lets_a_store_manager_see_but_not_decide(world) -> None:  # type: ignore[no-untyped-def]
    north, _ = north_and_south(world)
    client = signed_in(world.manager_a)
    assert 'value="approve"' not in client.get(reverse("approvals:inbox")).content.decode()
    response = client.post(reverse("approvals:decide", args=[north.pk]), {"outcome": "approve"})
    assert response.status_code == 403
    assert "You cannot decide for store N01." in response.content.decode()
    response = client.post(reverse("approvals:bulk_approve"), {"ids": [north.pk]})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_it_approves_from_the_row_and_shows_the_write_back_reaching_odoo(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    client = signed_in(world.regional_north)
    response = client.post(reverse("approvals:decide", args=[request.pk]),
                           {"outcome": "approve", "comment": "ok", "from": "row"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.strip().startswith("<tr")
    assert "Queued" in body
    assert 'hx-trigger="every 2s"' in body
    event = AuditEvent.objects.get(action="approval.approve")
    assert (event.actor, event.source_ip) == (world.regional_north, "127.0.0.1")
    run_writebacks(odoo)
    body = client.get(reverse("approvals:row", args=[request.pk]), **HTMX).content.decode()
    assert "Applied in Odoo" in body
    assert 'hx-trigger="every 2s"' not in body


def test_it_refuses_a_rejection_without_reason_with_a_clear_400(world) -> None:  # type: ignore[no-untyped-def]
    north, _ = north_and_south(world)
    response = signed_in(world.regional_north).post(reverse("approvals:decide", args=[north.pk]),
                                                    {"outcome": "reject", "comment": ""}, **HTMX)
    assert response.status_code == 400
    # An error fragment (shown next to the form by feedback.js), never a page or a retarget.
    assert "HX-Retarget" not in response
    assert response.content.decode().strip() == (
        '<p class="inline-error" role="alert" data-error-message>A reason is required to reject.</p>')
    bad = signed_in(world.regional_north).post(reverse("approvals:decide", args=[north.pk]), {"outcome": "maybe"})
    assert bad.status_code == 400
    assert "<nav" in bad.content.decode()
    assert "The decision must be approve or reject." in bad.content.decode()
    assert not Decision.objects.exists()


def test_it_escapes_comments_everywhere(world) -> None:  # type: ignore[no-untyped-def]
    north, _ = north_and_south(world)
    client = signed_in(world.regional_north)
    client.post(reverse("approvals:decide", args=[north.pk]),
                {"outcome": "reject", "comment": "<script>alert(1)</script>"})
    body = client.get(reverse("approvals:detail", args=[north.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_it_bulk_approves_a_selection_in_the_region(world) -> None:  # type: ignore[no-untyped-def]
    ids = [request.pk for request in open_requests("purchase-orders", store__region=world.north)[:3]]
    response = signed_in(world.regional_north).post(reverse("approvals:bulk_approve"),
                                                    {"ids": ids, "comment": "weekly run"}, **HTMX)
    assert response.status_code == 200
    assert "Approved 3 requests" in response.content.decode()
    assert WriteBack.objects.filter(status=WriteBackStatus.QUEUED).count() == 3
    assert signed_in(world.regional_north).post(reverse("approvals:bulk_approve"), {"ids": ["x"]}).status_code == 400
    assert signed_in(world.regional_north).post(reverse("approvals:bulk_approve"), {}).status_code == 400


def test_it_overrides_with_a_reason_reassign_extend_escalate(world) -> None:  # type: ignore[no-untyped-def]
    north, _ = north_and_south(world)
    client = signed_in(world.regional_north)
    url = reverse("approvals:reassign", args=[north.pk])
    assert client.post(url, {"assignee": "hq", "reason": ""}).status_code == 400
    assert client.post(url, {"assignee": "manager_a", "reason": "holiday"}).status_code == 400
    assert client.post(url, {"assignee": "hq", "reason": "holiday"}).status_code == 302
    assert ApprovalRequest.objects.get(pk=north.pk).assignee == world.hq
    url = reverse("approvals:extend", args=[north.pk])
    assert client.post(url, {"deadline": "yesterday", "reason": "x"}).status_code == 400
    assert client.post(url, {"deadline": "2000-01-01T10:00", "reason": "x"}).status_code == 400
    later = (north.deadline + timedelta(days=1)).replace(microsecond=0).isoformat()
    assert client.post(url, {"deadline": later, "reason": "vendor late"}).status_code == 302
    url = reverse("approvals:escalate", args=[north.pk])
    assert client.post(url, {"reason": "too big"}, **HTMX).status_code == 200
    assert client.post(url, {"reason": "again"}, **HTMX).status_code == 400
    actions = set(AuditEvent.objects.filter(object_id=str(north.pk)).values_list("action", flat=True))
    assert {"approval.reassigned", "approval.deadline_extended", "approval.escalated"} <= actions
    manager = signed_in(world.manager_a).post(url, {"reason": "x"})
    assert manager.status_code == 403


def test_it_offers_a_retry_for_a_failed_write_back(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    odoo_server.execute("admin", "purchase.order", "button_cancel", [[order]])
    client = signed_in(world.regional_north)
    client.post(reverse("approvals:decide", args=[request.pk]), {"outcome": "approve"})
    run_writebacks(odoo)
    body = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    assert "Conflict in Odoo" in body
    assert reverse("approvals:retry", args=[request.pk]) in body
    assert signed_in(world.manager_a).post(reverse("approvals:retry", args=[request.pk])).status_code == 403
    response = client.post(reverse("approvals:retry", args=[request.pk]), {"from": "detail"}, **HTMX)
    assert response.status_code == 200
    assert WriteBack.objects.get().status == WriteBackStatus.QUEUED
    assert AuditEvent.objects.filter(action="writeback.replayed").exists()
