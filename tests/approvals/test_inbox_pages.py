"""The inbox is paginated on the server and keeps its filters from page to page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from apps.approvals import selectors
from apps.approvals.models import ApprovalRequest
from tests.approvals.support import signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)
    return 2


def test_it_renders_one_page_and_links_the_next_with_the_filters(world, small_pages) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    everything = list(ApprovalRequest.objects.filter(status="open").order_by("deadline", "id")
                      .values_list("pk", flat=True))
    assert len(everything) > 2 * small_pages
    first = client.get(reverse("approvals:inbox"), {"show": "open"})
    assert [row.pk for row in first.context["rows"]] == everything[:2]
    body = first.content.decode()
    assert f"Page 1 of {-(-len(everything) // 2)}" in body
    assert 'href="?show=open&amp;page=2"' in body
    assert 'rel="prev"' not in body
    panel = client.get(reverse("approvals:panel"), {"show": "open", "page": "2"}, **HTMX).content.decode()
    assert [int(pk) for pk in re.findall(r'<tr id="request-(\d+)"', panel)] == everything[2:4]
    assert "panel/?show=open&amp;page=2" in panel  # the live refresh reloads the same page
    assert 'href="?show=open"' in panel  # back to page one, filters kept


def test_it_keeps_a_filter_across_pages(world, small_pages) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.hq)
    wanted = list(ApprovalRequest.objects.filter(status="open", kind="purchase-orders")
                  .order_by("deadline", "id").values_list("pk", flat=True))
    seen = []
    for number in range(1, -(-len(wanted) // 2) + 1):
        response = client.get(reverse("approvals:inbox"), {"show": "open", "kind": "purchase-orders",
                                                           "page": str(number)})
        seen += [row.pk for row in response.context["rows"]]
    assert seen == wanted


@pytest.mark.parametrize("page", ["0", "-1", "lots", "99999999999"])
def test_it_falls_back_to_a_real_page_for_odd_numbers(world, small_pages, page: str) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.hq).get(reverse("approvals:inbox"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_it_shows_the_last_page_for_a_page_past_the_end(world, small_pages) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.hq).get(reverse("approvals:inbox"), {"page": "500"})
    page = response.context["page"]
    assert page.number == page.paginator.num_pages
    assert 'rel="next"' not in response.content.decode()
