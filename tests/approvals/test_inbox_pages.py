"""The inbox as a list people can work: open work first, decided requests in their own tab (newest
decision first), keyset pages, a text search, sortable columns, filters kept in the URL and restored
after opening a request, saved views per person."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.approvals import selectors
from apps.approvals.models import ApprovalRequest
from apps.approvals.services.decisions import decision_record
from apps.portal.models import SavedView
from tests.approvals.support import signed_in
from tests.listing import next_link, walk

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(selectors, "OPEN_LIST", dataclasses.replace(selectors.OPEN_LIST, page_size=2))
    monkeypatch.setattr(selectors, "DECIDED_LIST", dataclasses.replace(selectors.DECIDED_LIST, page_size=2))
    return 2


def _walk(client: Client, query: str) -> list[int]:
    return walk(client, reverse("approvals:inbox"), query, lambda response: response.context["rows"])


def test_it_pages_the_open_tab_by_deadline_with_next_and_previous(world, small_pages) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    everything = list(ApprovalRequest.objects.filter(status="open").order_by("deadline", "id")
                      .values_list("pk", flat=True))
    assert len(everything) > 2 * small_pages
    first = client.get(reverse("approvals:inbox"))
    assert [row.pk for row in first.context["rows"]] == everything[:2]
    assert 'rel="prev"' not in first.content.decode()
    assert _walk(client, "") == everything
    second = client.get(f"{reverse('approvals:inbox')}?{next_link(first.content.decode(), 'next')}")
    previous = next_link(second.content.decode(), "prev")
    assert previous is not None
    back = client.get(f"{reverse('approvals:inbox')}?{previous}")
    assert [row.pk for row in back.context["rows"]] == everything[:2]


def test_it_keeps_filters_search_and_sort_across_pages(world, small_pages) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    wanted = list(ApprovalRequest.objects.filter(status="open", kind="purchase-orders")
                  .order_by("-amount", "-id").values_list("pk", flat=True))
    assert _walk(client, "kind=purchase-orders&sort=-amount") == wanted


def test_it_sorts_by_a_column_header_and_marks_it(world) -> None:  # type: ignore[no-untyped-def]
    body = signed_in(world.hq).get(reverse("approvals:inbox"), {"sort": "amount"}).content.decode()
    assert '<th scope="col" aria-sort="ascending" class="num"><a href="?sort=-amount"' in body
    assert '<th scope="col" aria-sort="none"><a href="?sort=reference"' in body


@pytest.mark.parametrize("cursor", ["", "bad", "W10", "eyJhIjoxfQ", "x" * 600, "WyJub3QgYSBkYXRlIiwxXQ"])
def test_it_treats_a_bad_cursor_as_the_first_page(world, small_pages, cursor: str) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.hq).get(reverse("approvals:inbox"), {"after": cursor, "before": cursor})
    assert response.status_code == 200
    first = list(ApprovalRequest.objects.filter(status="open").order_by("deadline", "id")
                 .values_list("pk", flat=True)[:2])
    assert [row.pk for row in response.context["rows"]] == first


def test_it_searches_reference_vendor_and_store_within_scope(world) -> None:  # type: ignore[no-untyped-def]
    north = ApprovalRequest.objects.filter(status="open", store=world.store_a, kind="purchase-orders").first()
    south = ApprovalRequest.objects.filter(status="open", store=world.store_c).first()
    assert north is not None
    assert south is not None
    client = signed_in(world.regional_north)
    found = client.get(reverse("approvals:inbox"), {"q": north.reference.lower()}).context["rows"]
    assert [row.pk for row in found] == [north.pk]
    by_vendor = client.get(reverse("approvals:panel"), {"q": north.partner.split()[0]}, **HTMX)
    assert f'id="request-{north.pk}"' in by_vendor.content.decode()
    by_store = client.get(reverse("approvals:inbox"), {"q": "n01"}).context["rows"]
    assert by_store
    assert {row.store_id for row in by_store} == {world.store_a.pk}
    # Another region's request is never found, even by its exact reference.
    assert client.get(reverse("approvals:inbox"), {"q": south.reference}).context["rows"] == []
    assert "Nothing matches" in client.get(reverse("approvals:inbox"), {"q": "zzz-none"}).content.decode()


def test_it_puts_open_work_first_and_decided_in_its_own_tab_newest_first(world) -> None:  # type: ignore[no-untyped-def]
    requests = list(ApprovalRequest.objects.filter(status="open", store__region=world.north).order_by("pk")[:3])
    for request in requests:
        decision_record(request=request, actor=world.hq, outcome="approve")
    client = signed_in(world.hq)
    open_rows = client.get(reverse("approvals:inbox")).context["rows"]
    assert open_rows
    assert all(row.is_open for row in open_rows)
    decided = client.get(reverse("approvals:inbox"), {"show": "decided"})
    assert [row.pk for row in decided.context["rows"]] == [request.pk for request in reversed(requests)]
    assert 'href="?show=decided" aria-current="page"' in decided.content.decode().replace("&amp;", "&")


def test_it_restores_the_list_after_opening_a_request(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    rows = client.get(reverse("approvals:inbox"), {"kind": "purchase-orders", "q": "P0", "sort": "-amount"})
    item = rows.context["rows"][0]
    detail = client.get(reverse("approvals:detail", args=[item.pk])).content.decode()
    assert f'<a href="{reverse("approvals:inbox")}?kind=purchase-orders&amp;q=P0&amp;sort=-amount">' in detail


def _save(client: Client, name: str, query: str, **extra: Any) -> Any:
    return client.post(reverse("portal:saved_view_create"), {"list": "approvals", "name": name, "query": query},
                       **extra)


def test_it_saves_views_per_person(world) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.regional_north)
    response = _save(client, " North  POs ", "kind=purchase-orders&sort=-amount&after=abc&evil=1", **HTMX)
    assert response.status_code == 200
    view = SavedView.objects.get()
    assert (view.user, view.name) == (world.regional_north, "North POs")
    assert view.query == "kind=purchase-orders&sort=-amount"  # list parameters only, never a page cursor
    assert 'href="/approvals/?kind=purchase-orders&amp;sort=-amount">North POs</a>' in response.content.decode()
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert ">North POs</a>" in page
    assert ">North POs</a>" not in signed_in(world.hq).get(reverse("approvals:inbox")).content.decode()
    assert _save(client, "", "kind=x", **HTMX).status_code == 400
    # Someone else cannot delete it; its owner can; anonymous visitors are sent to sign in.
    delete = reverse("portal:saved_view_remove", args=[view.pk])
    assert Client().post(delete).status_code == 302
    assert signed_in(world.regional_south).post(delete, **HTMX).status_code == 404
    assert SavedView.objects.exists()
    assert client.post(delete, **HTMX).status_code == 200
    assert not SavedView.objects.exists()


def test_it_asks_once_before_a_single_key_approval_from_the_threshold(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from apps.approvals import conf

    requests = list(ApprovalRequest.objects.filter(status="open", store__region=world.north)
                    .exclude(odoo_model="stock.quant").order_by("amount"))
    low, high = requests[0], requests[-1]
    assert low.amount < high.amount
    monkeypatch.setattr(conf, "CONFIRM_ABOVE", float(high.amount))
    body = signed_in(world.regional_north).get(reverse("approvals:inbox")).content.decode()
    row = re.search(rf'<tr id="request-{high.pk}"[^>]*>', body)
    assert row is not None
    assert f'data-confirm="{high.amount_text}"' in row.group(0)
    low_row = re.search(rf'<tr id="request-{low.pk}"[^>]*>', body)
    assert low_row is not None
    assert "data-confirm" not in low_row.group(0)
