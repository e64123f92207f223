"""The brief beside an approval ("what should I know before I approve?"): figures checked by hand,
scoped like everything else, in a fixed number of queries whatever the data size."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from apps.approvals import conf
from apps.approvals.briefing import approval_brief
from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.operations.models import ExceptionKind, ExceptionStatus
from apps.organisation.models import Store
from apps.sync.models import Feed, MirrorRecord
from tests.approvals.support import signed_in
from tests.dashboards.builders import approval, exception

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
VENDOR = "Fresh Fields"


def past(store: Store, amount: str, *, hours: int, partner: str = "", requester: int | None = None,
         status: str = ApprovalStatus.APPROVED) -> ApprovalRequest:
    decided = status != ApprovalStatus.OPEN
    request = approval(store, amount=amount, requested_ago=hours * HOUR, now=NOW,
                       decided_after=HOUR if decided else None, status=status)
    ApprovalRequest.objects.filter(pk=request.pk).update(partner=partner, requester_odoo_id=requester)
    return request


@pytest.fixture
def case(network):  # type: ignore[no-untyped-def]
    """A 750.00 order from Fresh Fields at N01, asked by Odoo user 42, and its history."""
    a, b = network.store_a, network.store_b
    past(a, "100.00", hours=50, partner=VENDOR, requester=42)
    past(a, "200.00", hours=40, requester=42, status=ApprovalStatus.REJECTED)
    past(a, "300.00", hours=30, partner=VENDOR, requester=42)
    past(a, "400.00", hours=20, status=ApprovalStatus.OPEN)
    past(b, "1000.00", hours=10, partner=VENDOR)  # another store: seen by the region and HQ only
    item = past(a, "750.00", hours=2, partner=VENDOR, requester=42, status=ApprovalStatus.OPEN)
    ApprovalRequest.objects.filter(pk=item.pk).update(requester_name="Sam Buyer")
    return network, ApprovalRequest.objects.select_related("store", "mirror").get(pk=item.pk)


def vendor_exception(store: Store, partner: str, **fields: Any) -> Any:
    feed = Feed.objects.get(slug="late-receipts")
    odoo_id = MirrorRecord.objects.count() + 500_000
    mirror = MirrorRecord.objects.create(feed=feed, odoo_id=odoo_id, store=store, odoo_write_date=NOW,
                                         values={"name": f"WH/IN/{odoo_id}", "partner_id": [7, partner]})
    kind = fields.pop("kind", ExceptionKind.LATE_RECEIPT)
    made = exception(store, title=f"WH/IN/{odoo_id} from {partner}", mirror=mirror, now=NOW, **fields)
    type(made).objects.filter(pk=made.pk).update(kind=kind)
    return made


def test_it_compares_the_amount_with_the_store_and_vendor_usual(case) -> None:  # type: ignore[no-untyped-def]
    network, item = case
    brief = approval_brief(network.hq, item, now=NOW)
    assert (brief.store.count, brief.store.median) == (4, Decimal("250.00"))  # 100 200 300 400
    assert [p.amount for p in brief.store.recent] == [Decimal("400"), Decimal("300"), Decimal("200"),
                                                      Decimal("100")]
    assert brief.store_ratio == Decimal("3.0")  # 750 / 250
    assert brief.vendor is not None
    assert (brief.vendor.count, brief.vendor.median) == (3, Decimal("300.00"))  # 100 300 1000
    assert brief.vendor_ratio == Decimal("2.5")
    assert (brief.requester_approved, brief.requester_rejected) == (2, 1)
    assert [p.status for p in brief.requester_recent] == ["approved", "rejected", "approved"]


def test_it_keeps_other_stores_out_of_a_store_managers_brief(case) -> None:  # type: ignore[no-untyped-def]
    network, item = case
    brief = approval_brief(network.manager_a, item, now=NOW)
    assert brief.vendor is not None
    assert (brief.vendor.count, brief.vendor.median) == (2, Decimal("200.00"))  # N02's 1000 is not theirs


def test_it_lists_open_exceptions_of_the_same_vendor_at_the_store(case) -> None:  # type: ignore[no-untyped-def]
    network, item = case
    same = vendor_exception(item.store, VENDOR)
    vendor_exception(item.store, "Other Vendor")
    vendor_exception(network.store_b, VENDOR)  # another store
    vendor_exception(item.store, VENDOR, status=ExceptionStatus.RESOLVED)  # no longer open
    mismatch = vendor_exception(item.store, VENDOR, kind=ExceptionKind.BILL_MISMATCH)
    found = approval_brief(network.hq, item, now=NOW).exceptions
    assert {e.pk for e in found} == {same.pk, mismatch.pk}


def test_it_shows_the_month_budget_used_when_one_is_configured(case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    network, item = case
    assert approval_brief(network.hq, item, now=NOW).budget is None
    monkeypatch.setattr(conf, "MONTHLY_BUDGETS", {"purchase-orders": Decimal("2000")})
    past(item.store, "50.00", hours=24 * 20)  # approved last month: not counted
    budget = approval_brief(network.hq, item, now=NOW).budget
    assert budget is not None
    assert (budget.limit, budget.used, budget.percent_used) == (Decimal("2000"), Decimal("400.00"), 20)  # 100 + 300


@pytest.mark.parametrize("others", [3, 30])
def test_it_costs_a_fixed_number_of_queries_whatever_the_history(case, others: int,  # type: ignore[no-untyped-def]
                                                                 django_assert_num_queries) -> None:
    network, item = case
    for i in range(others):
        past(item.store, f"{100 + i}.00", hours=100 + i, partner=VENDOR, requester=42)
        vendor_exception(item.store, VENDOR)
    # The person's permissions (two reads, cached for the request by the scope choke point), one
    # aggregate, the last five at the store, of the vendor and of the requester, the open exceptions.
    with django_assert_num_queries(7):
        approval_brief(network.hq, item, now=NOW)


def test_it_serves_the_brief_only_within_the_scope(case) -> None:  # type: ignore[no-untyped-def]
    network, item = case
    url = reverse("approvals:brief", args=[item.pk])
    anonymous = signed_in(network.nobody)
    anonymous.logout()
    assert anonymous.get(url).status_code == 302  # to sign in
    assert signed_in(network.manager_c).get(url).status_code == 404  # another region's store
    assert signed_in(network.nobody).get(url).status_code == 404
    response = signed_in(network.manager_a).get(url)
    assert response.status_code == 200
    assert b"Before you approve" in response.content
    assert reverse("approvals:detail", args=[item.pk]).encode() not in response.content  # never links itself
    page = signed_in(network.regional_north).get(reverse("approvals:detail", args=[item.pk]))
    assert page.status_code == 200
    assert b'data-brief="store"' in page.content
    assert b"Sam Buyer: 2 approved, 1 rejected before." in page.content
    inbox = signed_in(network.regional_north).get(reverse("approvals:inbox"))
    assert f'hx-get="{url}"'.encode() in inbox.content  # the row's preview loads the same fragment
