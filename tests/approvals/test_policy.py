"""Policy rules, segregation of duties, dual approval and auto-approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.approvals.models import ApprovalPolicy, ApprovalRequest, ApprovalStatus, Decision, OdooUserLink
from apps.approvals.policy import policy_save, policy_terms_for
from apps.approvals.services.decisions import decision_record, decisions_bulk_approve
from apps.audit.models import AuditEvent
from apps.organisation.roles import Role
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.approvals.support import (
    approvals_sync,
    chatter_notes,
    new_po,
    new_refund,
    odoo_value,
    request_for,
    run_writebacks,
)

pytestmark = pytest.mark.django_db


def rule(**fields) -> ApprovalPolicy:  # type: ignore[no-untyped-def]
    stores = fields.pop("stores", None)
    policy = ApprovalPolicy(name=fields.pop("name", f"rule {ApprovalPolicy.objects.count()}"), **fields)
    return policy_save(policy=policy, actor=None, store_ids=[store.pk for store in stores] if stores else None)


@pytest.mark.parametrize(("fields", "matches_a", "matches_c"), [
    ({"kind": "purchase-orders"}, True, True),
    ({"kind": "customer-refunds"}, False, False),
    ({"min_amount": Decimal("1000"), "max_amount": Decimal("10000")}, True, True),
    ({"max_amount": Decimal("1000")}, False, False),
    ({"region": "north"}, True, False),
    ({"stores": "c"}, False, True),
])
def test_it_matches_rules_by_kind_amount_band_region_and_store_group(network, fields, matches_a, matches_c) -> None:  # type: ignore[no-untyped-def]
    if fields.get("region") == "north":
        fields["region"] = network.north
    if fields.get("stores") == "c":
        fields["stores"] = [network.store_c]
    policy = rule(name="under test", tier1_role=Role.HQ_EXECUTIVE, **fields)
    for store, expected in ((network.store_a, matches_a), (network.store_c, matches_c)):
        terms = policy_terms_for(kind="purchase-orders", amount=Decimal("5000"), store=store)
        assert (terms.policy == policy) is expected
        assert terms.label == ("under test v1" if expected else "default policy")


def test_it_takes_the_rule_with_the_lowest_priority_number(network) -> None:  # type: ignore[no-untyped-def]
    rule(name="broad", priority=50)
    narrow = rule(name="narrow", priority=10, kind="purchase-orders")
    assert policy_terms_for(kind="purchase-orders", amount=Decimal("1"), store=network.store_a).policy == narrow


def test_it_versions_and_audits_policy_changes(network) -> None:  # type: ignore[no-untyped-def]
    policy = rule(name="big orders", min_amount=Decimal("1000"))
    policy.dual_approval = True
    policy_save(policy=policy, actor=network.ops)
    policy.refresh_from_db()
    assert policy.version == 2
    changed = AuditEvent.objects.get(action="approval_policy.changed")
    assert changed.actor == network.ops
    assert changed.before["dual_approval"] is False
    assert changed.after["dual_approval"] is True
    assert changed.after["version"] == 2


def test_it_refuses_an_inverted_amount_band(network) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        rule(min_amount=Decimal("10"), max_amount=Decimal("5"))


def test_it_auto_approves_below_the_threshold_as_a_system_decision_written_back(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    rule(name="small orders", kind="purchase-orders", auto_approve_below=Decimal("100000"))
    order = new_po(odoo_server, price=20, qty=40)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    assert request.status == ApprovalStatus.APPROVED
    decision = Decision.objects.get(request=request)
    assert decision.actor is None
    assert decision.actor_label == "system"
    assert decision.system_rule == "small orders v1: auto-approve below 100000.00"
    assert decision.policy_version == 1
    [writeback] = run_writebacks(odoo)
    assert writeback.status == WriteBackStatus.APPLIED
    assert odoo_value(odoo_server, "purchase.order", order) == "purchase"
    assert chatter_notes(odoo_server, "purchase.order", order) == 1


def test_it_records_the_policy_version_on_each_decision(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    policy = rule(name="orders", kind="purchase-orders")
    policy_save(policy=policy, actor=world.ops)
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    decision = decision_record(request=request_for("purchase.order", order), actor=world.regional_north,
                               outcome="approve")
    assert (decision.policy_label, decision.policy_version) == ("orders v2", 2)


def test_it_requires_the_role_of_the_tier(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    rule(name="hq only", kind="purchase-orders", tier1_role=Role.HQ_EXECUTIVE)
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    with pytest.raises(PermissionDenied, match="needs a decision by a hq executive"):
        decision_record(request=request, actor=world.regional_north, outcome="approve")
    assert decision_record(request=request, actor=world.hq, outcome="approve").final


def test_it_never_lets_requesters_approve_their_own_request(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    buyer_uid = odoo_server.execute("admin", "res.users", "search", [[["login", "=", "buyer"]]])[0]
    assert request.requester_odoo_id == buyer_uid
    OdooUserLink.objects.create(user=world.regional_north, odoo_user_id=buyer_uid, odoo_login="buyer")
    with pytest.raises(PermissionDenied, match="someone else must decide"):
        decision_record(request=request, actor=world.regional_north, outcome="approve")
    with pytest.raises(PermissionDenied, match="Nothing was approved"):
        decisions_bulk_approve(requests=[request], actor=world.regional_north)
    assert not WriteBack.objects.exists()


def test_it_needs_two_different_people_for_a_dual_approval(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    rule(name="dual", kind="purchase-orders", dual_approval=True)
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    first = decision_record(request=request, actor=world.regional_north, outcome="approve")
    assert not first.final
    assert not WriteBack.objects.exists()
    with pytest.raises(PermissionDenied, match="already gave one of the two approvals"):
        decision_record(request=request, actor=world.regional_north, outcome="approve")
    second = decision_record(request=request, actor=world.hq, outcome="approve")
    assert second.final
    assert ApprovalRequest.objects.get(pk=request.pk).status == ApprovalStatus.APPROVED
    assert WriteBack.objects.count() == 1


def test_it_requires_a_reason_to_reject(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    with pytest.raises(ValidationError, match="reason is required"):
        decision_record(request=request_for("purchase.order", order), actor=world.regional_north, outcome="reject",
                        comment="  ")
    assert not Decision.objects.exists()


def test_it_bulk_approves_only_when_every_item_is_within_authority_and_policy(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    rule(name="one by one", kind="customer-refunds", allow_bulk=False)
    orders = [new_po(odoo_server) for _ in range(2)]
    refund_id = new_refund(odoo_server)
    approvals_sync(odoo)
    requests = [request_for("purchase.order", order) for order in orders]
    refund = request_for("account.move", refund_id)
    with pytest.raises(PermissionDenied, match="one-by-one"):
        decisions_bulk_approve(requests=[*requests, refund], actor=world.regional_north)
    assert not Decision.objects.exists()
    decisions = decisions_bulk_approve(requests=requests, actor=world.regional_north, comment="fine")
    assert len(decisions) == 2
    assert WriteBack.objects.count() == 2


def test_it_closes_requests_decided_directly_in_odoo_with_that_outcome(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    approved, cancelled = new_po(odoo_server), new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    odoo_server.execute("admin", "purchase.order", "button_approve", [[approved]])
    odoo_server.execute("admin", "purchase.order", "button_cancel", [[cancelled]])
    approvals_sync(odoo, ("purchase-orders",))
    first, second = request_for("purchase.order", approved), request_for("purchase.order", cancelled)
    assert (first.status, first.closed_outcome) == (ApprovalStatus.CLOSED, "Approved in Odoo")
    assert (second.status, second.closed_outcome) == (ApprovalStatus.CLOSED, "Rejected in Odoo")
    odoo_server.execute("admin", "purchase.order", "button_draft", [[cancelled]])
    odoo_server.execute("buyer", "purchase.order", "button_confirm", [[cancelled]])
    approvals_sync(odoo, ("purchase-orders",))
    again = request_for("purchase.order", cancelled)
    assert (again.status, again.round) == (ApprovalStatus.OPEN, 2)
