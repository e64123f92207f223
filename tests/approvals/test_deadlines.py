"""Deadlines: reminders at a share of the SLA and at the deadline, escalation regional → HQ (time-travel)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from apps.approvals.models import ApprovalPolicy, ApprovalRequest
from apps.approvals.policy import policy_save
from apps.approvals.services.deadlines import approvals_deadlines_check
from apps.audit.models import AuditEvent
from apps.notifications.models import Notification, NotificationKind
from apps.organisation.roles import Role
from tests.approvals.support import approvals_sync, new_po, request_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_with_sla(world, odoo, odoo_server, django_capture_on_commit_callbacks) -> ApprovalRequest:  # type: ignore[no-untyped-def]
    for person in (world.regional_north, world.hq, world.regional_south):
        person.email = f"{person.username}@example.com"
        person.save()
    policy_save(policy=ApprovalPolicy(name="ten hours", kind="purchase-orders", tier1_sla_hours=Decimal("10"),
                                      tier2_sla_hours=Decimal("4")), actor=None)
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    return request_for("purchase.order", order)


def check_at(moment, capture) -> object:  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return approvals_deadlines_check()


def subjects(user) -> list[str]:  # type: ignore[no-untyped-def]
    """Reminders, deadlines and escalations (the sync's "new approvals for you" are not this test's)."""
    return list(Notification.objects.filter(user=user).exclude(kind=NotificationKind.APPROVAL_ASSIGNED)
                .order_by("id").values_list("subject", flat=True))


def test_it_reminds_at_the_share_then_at_the_deadline_then_escalates_to_hq(
        world, request_with_sla, django_capture_on_commit_callbacks, settings) -> None:  # type: ignore[no-untyped-def]
    request = request_with_sla
    start = request.deadline - timedelta(hours=10)
    assert request.remind_at == start + timedelta(hours=7.5)  # CT_APPROVAL_REMINDER_SHARE 0.75
    capture = django_capture_on_commit_callbacks
    run = check_at(start + timedelta(hours=7), capture)
    assert (run.reminded, run.due, run.escalated) == (0, 0, 0)
    run = check_at(start + timedelta(hours=7.6), capture)
    assert run.reminded == 1
    assert subjects(world.regional_north) == [f"Reminder: {request} (N01) is waiting for you"]
    assert subjects(world.regional_south) == []
    assert any("Reminder" in message.subject and "regional_north@example.com" in message.to for message in mail.outbox)
    assert check_at(start + timedelta(hours=7.7), capture).reminded == 0  # once only
    run = check_at(start + timedelta(hours=10, minutes=1), capture)
    assert (run.due, run.escalated) == (1, 1)
    request.refresh_from_db()
    assert (request.tier, request.required_role) == (2, Role.HQ_EXECUTIVE)
    assert request.deadline == start + timedelta(hours=10, minutes=1) + timedelta(hours=4)
    assert subjects(world.hq) == [f"Escalated to you: {request} (N01)"]
    assert any(message.subject.startswith("Escalated to you") and "hq@example.com" in message.to
               for message in mail.outbox)
    escalation = AuditEvent.objects.get(action="approval.escalated")
    assert escalation.actor_label == "system: deadline passed"
    assert escalation.before["tier"] == 1
    assert escalation.after["tier"] == 2
    run = check_at(start + timedelta(hours=14, minutes=2), capture)
    assert (run.due, run.escalated) == (1, 0)  # the top tier is told, never escalated further
    assert subjects(world.hq)[-1] == f"Deadline reached: {request} (N01)"


def test_it_escalates_on_request_with_a_reason_and_audits_it(world, request_with_sla) -> None:  # type: ignore[no-untyped-def]
    from apps.approvals.services.overrides import request_escalate

    request_escalate(request=request_with_sla, actor=world.regional_north, reason="Above my budget")
    event = AuditEvent.objects.get(action="approval.escalated")
    assert (event.actor, event.message) == (world.regional_north, "Above my budget")
    assert ApprovalRequest.objects.get(pk=request_with_sla.pk).tier == 2


def test_it_extends_a_deadline_and_restarts_the_reminders(world, request_with_sla) -> None:  # type: ignore[no-untyped-def]
    from apps.approvals.services.overrides import request_extend_deadline

    later = timezone.now() + timedelta(days=2)
    request = request_extend_deadline(request=request_with_sla, actor=world.regional_north, deadline=later,
                                      reason="Vendor on holiday")
    assert request.deadline == later
    assert request.reminded_at is None
    assert AuditEvent.objects.filter(action="approval.deadline_extended", message="Vendor on holiday").exists()
