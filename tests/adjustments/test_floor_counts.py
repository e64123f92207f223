"""A count reported from the phone: set in Odoo once, decided by the region as a stock-count approval,
applied; the policy's value bands choosing review or auto-approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from apps.adjustments.models import AdjustmentReason, ReportStatus, StockCountReport
from apps.approvals.models import ApprovalPolicy, ApprovalStatus
from apps.approvals.services.decisions import decision_record
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.adjustments.conftest import jpeg, store_quant
from tests.approvals.support import approvals_sync, calls_of, odoo_value, request_for, run_writebacks, signed_in
from tests.factories import Network

pytestmark = pytest.mark.django_db


def _report(client: Any, store: Any, product: dict[str, Any], quantity: float, **extra: Any) -> Any:
    reason = AdjustmentReason.objects.get(code="damaged")
    data = {"store": store.pk, "quant": product["id"], "counted": str(quantity), "reason": reason.pk,
            "note": "Crushed pallet", **extra}
    return client.post("/store/counts/new/", data)


def test_it_takes_a_count_from_the_phone_to_an_applied_count_in_odoo(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    store = network.store_a
    quant = store_quant(odoo_server, store.odoo_warehouse_id)
    phone = signed_in(network.manager_a)

    assert phone.get("/store/counts/new/").status_code == 200
    found = phone.get("/store/counts/products/", {"store": store.pk, "q": quant["name"][:5]})
    assert found.status_code == 200
    assert f'value="{quant["id"]}"' in found.content.decode()
    by_code = phone.get("/store/counts/products/", {"store": store.pk, "q": quant["code"]})
    assert f'value="{quant["id"]}"' in by_code.content.decode()

    counted = quant["quantity"] - 4
    response = _report(phone, store, quant, counted, photo=jpeg())
    report = StockCountReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/store/counts/{report.pk}/"
    assert report.value == (Decimal("4") * Decimal(str(quant["cost"]))).quantize(Decimal("0.01"))
    assert report.photo
    assert report.reason.code == "damaged"

    writes_before = calls_of(odoo_server, "stock.quant", "write")
    run_writebacks(odoo)
    writeback = WriteBack.objects.get(kind="adjustments.count_set")
    assert writeback.status == WriteBackStatus.APPLIED
    # A worker that died after Odoo applied it, before the row was marked: the retry finds the count there.
    WriteBack.objects.filter(pk=writeback.pk).update(status=WriteBackStatus.QUEUED)
    run_writebacks(odoo)
    assert WriteBack.objects.get(pk=writeback.pk).result.get("already") is True
    assert calls_of(odoo_server, "stock.quant", "write") == writes_before + 1
    assert odoo_value(odoo_server, "stock.quant", quant["id"], "inventory_quantity") == counted
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_ODOO

    approvals_sync(odoo, ("stock-counts",))
    approval = request_for("stock.quant", quant["id"])
    assert approval.status == ApprovalStatus.OPEN
    assert approval.store == store
    region = signed_in(network.regional_north)
    page = region.get(f"/approvals/{approval.pk}/").content.decode()
    assert "Reported from the store floor" in page
    assert "Damaged or spoiled" in page
    assert "Crushed pallet" in page
    assert f"/store/counts/{report.pk}/photo/" in page
    photo = region.get(f"/store/counts/{report.pk}/photo/")
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/jpeg"
    assert "Waiting for the regional manager" in phone.get(f"/store/counts/{report.pk}/").content.decode()

    decision_record(request=approval, actor=network.regional_north, outcome="approve", comment="Seen the photo")
    run_writebacks(odoo)
    assert odoo_value(odoo_server, "stock.quant", quant["id"], "quantity") == counted
    assert odoo_value(odoo_server, "stock.quant", quant["id"], "inventory_quantity_set") is False
    assert "Approved" in phone.get(f"/store/counts/{report.pk}/").content.decode()


def test_the_policy_judges_a_floor_count_by_the_value_of_its_difference(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    store = network.store_a
    cheap = store_quant(odoo_server, store.odoo_warehouse_id, max_cost=1)
    dear = store_quant(odoo_server, store.odoo_warehouse_id, min_cost=4)
    ApprovalPolicy.objects.create(name="Small counts", kind="stock-counts", auto_approve_below=Decimal("10"))
    phone = signed_in(network.manager_a)
    # Three units off each: auto-approved when the difference is worth less than 10, reviewed when more,
    # although the quantity (3) is below 10 for both.
    _report(phone, store, cheap, cheap["quantity"] - 3)
    _report(phone, store, dear, dear["quantity"] - 3)
    run_writebacks(odoo)
    approvals_sync(odoo, ("stock-counts",))

    small = StockCountReport.objects.get(quant_odoo_id=cheap["id"])
    large = StockCountReport.objects.get(quant_odoo_id=dear["id"])
    assert small.value < 10 <= large.value
    assert request_for("stock.quant", cheap["id"]).status == ApprovalStatus.APPROVED  # system decision
    assert request_for("stock.quant", dear["id"]).status == ApprovalStatus.OPEN  # for the regional manager
    assert request_for("stock.quant", cheap["id"]).decisions.get().actor_label == "system"


def test_the_same_form_sent_twice_is_one_report_and_one_count_in_odoo(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    import re

    store = network.store_a
    quant = store_quant(odoo_server, store.odoo_warehouse_id)
    phone = signed_in(network.manager_a)
    form = phone.get("/store/counts/new/").content.decode()
    key = re.search(r'name="client_key" value="([0-9a-f]{32})"', form)
    assert key is not None  # the form carries its own key
    first = _report(phone, store, quant, quant["quantity"] - 2, client_key=key.group(1))
    again = _report(phone, store, quant, quant["quantity"] - 2, client_key=key.group(1))  # "Send" pressed twice
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert StockCountReport.objects.count() == 1
    assert WriteBack.objects.filter(kind="adjustments.count_set").count() == 1
    writes_before = calls_of(odoo_server, "stock.quant", "write")
    run_writebacks(odoo)
    assert calls_of(odoo_server, "stock.quant", "write") == writes_before + 1
    fresh = phone.get("/store/counts/new/").content.decode()
    assert key.group(1) not in fresh  # a new form is a new report
    other = signed_in(network.manager_a)
    assert _report(other, store, quant, quant["quantity"] - 1).status_code == 302  # no key: a report of its own
    assert StockCountReport.objects.count() == 2


@pytest.mark.parametrize(("extra", "message"), [
    ({"counted": "abc"}, "Give the counted quantity as a number."),
    ({"counted": "-2"}, "between 0 and 1,000,000"),
    ({"counted": "1.23456"}, "three decimals"),
    ({"reason": ""}, "Choose a reason."),
    ({"quant": ""}, "Search for the product and pick it."),
    ({"photo": "not a photo"}, "is not a JPEG, PNG or WebP photo"),
])
def test_bad_input_is_a_400_with_the_reason(network: Network, odoo, odoo_server, extra: dict[str, Any],  # type: ignore[no-untyped-def]
                                           message: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    quant = store_quant(odoo_server, network.store_a.odoo_warehouse_id)
    if extra.get("photo") == "not a photo":
        extra = {"photo": SimpleUploadedFile("shelf.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")}
    response = _report(signed_in(network.manager_a), network.store_a, quant, 3, **extra)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StockCountReport.objects.exists()
    assert not WriteBack.objects.exists()


def test_another_stores_product_is_refused(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    elsewhere = store_quant(odoo_server, network.store_c.odoo_warehouse_id)
    response = _report(signed_in(network.manager_a), network.store_a, elsewhere, 3)
    assert response.status_code == 400
    assert "not in this store&#x27;s stock" in response.content.decode()
    search = signed_in(network.manager_a).get("/store/counts/products/", {"store": network.store_a.pk, "q": "x"})
    assert search.status_code == 400


def test_each_role_sees_and_reports_only_its_own_stores(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    quant = store_quant(odoo_server, network.store_a.odoo_warehouse_id)
    assert _report(signed_in(network.manager_a), network.store_a, quant, 1).status_code == 302
    report = StockCountReport.objects.get()
    detail, photo = f"/store/counts/{report.pk}/", f"/store/counts/{report.pk}/photo/"

    anonymous = Client()
    for url in ("/store/counts/new/", "/store/counts/products/", detail):
        assert anonymous.get(url).status_code == 302  # to the sign-in
    other_store = signed_in(network.manager_c)
    assert _report(other_store, network.store_a, quant, 1).status_code == 400  # not one of their stores
    assert other_store.get("/store/counts/products/", {"store": network.store_a.pk, "q": "milk"}).status_code == 400
    assert other_store.get(detail).status_code == 404
    assert signed_in(network.regional_south).get(photo).status_code == 404
    assert signed_in(network.nobody).get("/store/counts/new/").status_code == 403
    assert signed_in(network.ops).get("/store/counts/new/").status_code == 403  # operations view, never act
    assert signed_in(network.manager_a).get(detail).status_code == 200
    assert signed_in(network.regional_north).get(detail).status_code == 200
    assert signed_in(network.hq).get(detail).status_code == 200
    assert StockCountReport.objects.count() == 1
