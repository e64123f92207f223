"""The approval detail as a manager reads it: Odoo's labels, formatted money and quantities, no
repeated column, a stock count as a sentence, the history in sentences."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.approvals.formatting import money_text, number_text, stock_count_text
from apps.approvals.lines import field_labels, line_table
from tests.approvals.support import approvals_sync, calls_of, new_count, new_po, request_for, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_it_formats_numbers_money_and_counts() -> None:
    assert money_text(16020.0, "EUR") == "€16,020.00"  # the locale writes money with its currency
    assert money_text("0.5", "") == "0.50"
    assert number_text(16020.0) == "16,020"
    assert number_text(2.5) == "2.5"
    assert stock_count_text({"inventory_quantity": 37.0, "quantity": 40.0, "inventory_diff_quantity": -3.0}) == (
        "counted 37 of 40 on hand (\u22123)")
    assert stock_count_text({"inventory_quantity": 42.0, "quantity": 40.0}) == "counted 42 of 40 on hand (+2)"


def test_it_labels_purchase_lines_from_odoo_and_caches_the_labels(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    order = new_po(odoo_server, price=320.4, qty=50)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    table = line_table(request, gateway=odoo)
    labels = [column.label for column in table.columns]
    expected = field_labels("purchase.order.line", ["product_id", "price_unit", "price_subtotal"], gateway=odoo)
    assert labels[-2:] == [expected["price_unit"][0], expected["price_subtotal"][0]]
    assert not [label for label in labels if "_" in label]
    assert len(labels) == len(set(labels))
    # The description repeats the product here: one column, not two.
    assert len([column for column in table.columns if column.key in ("name", "product_id")]) == 1
    row = table.rows[0]
    assert "16,020.00" in row[-1]
    assert row[-1] == money_text(16020, request.currency)  # in the order's currency
    assert "320.40" in row[-2]
    assert row[-2] == money_text(320.4, request.currency)
    assert "16020.0" not in str(table.rows)
    asked = calls_of(odoo_server, "purchase.order.line", "fields_get")
    assert line_table(request, gateway=odoo) == table
    assert calls_of(odoo_server, "purchase.order.line", "fields_get") == asked  # the labels come from the cache


def test_it_shows_a_stock_count_as_a_count_never_as_money(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    quant = new_count(odoo_server, delta=-3.0)
    approvals_sync(odoo, ("stock-counts",))
    request = request_for("stock.quant", quant)
    client = signed_in(world.hq)
    detail = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    assert "on hand (\u22123)</dd>" in detail
    assert "<dt>Amount</dt>" not in detail
    lines = client.get(reverse("approvals:lines", args=[request.pk]), **HTMX).content.decode()
    assert "on hand (\u22123)" in lines
    assert "<th scope=\"col\">Count</th>" in lines
    row = client.get(reverse("approvals:row", args=[request.pk]), **HTMX).content.decode()
    assert "difference \u22123" in row


def test_it_tells_the_history_in_sentences(world, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    order = new_po(odoo_server)
    approvals_sync(odoo, ("purchase-orders",))
    request = request_for("purchase.order", order)
    world.regional_north.first_name, world.regional_north.last_name = "Dana", "Lee"
    world.regional_north.save()
    client = signed_in(world.regional_north)
    client.post(reverse("approvals:decide", args=[request.pk]),
                {"outcome": "approve", "comment": "Checked with supplier"})
    body = client.get(reverse("approvals:detail", args=[request.pk])).content.decode()
    stamp = timezone.localtime(request.decisions.get().created_at).strftime("%H:%M")
    assert f"<li>Approved by Dana Lee, {stamp}: Checked with supplier</li>" in body
    assert "<strong>Approved</strong> by Dana Lee" in body
    assert "Approve by" not in body
    assert "approval.approve" not in body
