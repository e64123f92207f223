"""A request is named by its Odoo document; one Odoo has not numbered yet ("/" on Odoo 18, no name at
all on 19) reads "Draft #id"."""

from __future__ import annotations

from typing import Any

import pytest

from apps.approvals.models import ApprovalRequest
from tests.approvals.support import approvals_sync, new_refund, odoo_value, request_for, signed_in
from tests.factories import Network
from tests.odoo_versions import EVERY_ODOO, major

pytestmark = pytest.mark.django_db


@EVERY_ODOO
def test_it_names_an_unnumbered_draft_refund_by_its_id(network: Network, odoo: Any, odoo_server: Any) -> None:
    refund = new_refund(odoo_server)
    assert odoo_value(odoo_server, "account.move", refund, "name") == ("/" if major(odoo_server) < 19 else False)
    approvals_sync(odoo, ("customer-refunds",))
    request = request_for("account.move", refund)
    assert request.reference == f"Draft #{refund}"
    body = signed_in(network.regional_north).get("/dashboards/region/NORTH/").content.decode()
    assert f"Draft #{refund}" in body
    assert ">/</a>" not in body


def test_it_keeps_odoo_s_own_name(network: Network, odoo: Any) -> None:
    approvals_sync(odoo, ("purchase-orders",))
    names = set(ApprovalRequest.objects.values_list("reference", flat=True))
    assert names
    assert all(name.startswith("P0") for name in names), names
