"""The exception list as a list people can work: keyset pages worst first, a text search, sortable
columns; always inside the person's scope."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from apps.operations import selectors
from apps.operations.models import OpsException, Severity
from tests.approvals.support import signed_in
from tests.factories import Network
from tests.listing import walk
from tests.operations.builders import make_exception

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(network: Network, monkeypatch: pytest.MonkeyPatch) -> list[OpsException]:
    monkeypatch.setattr(selectors, "EXCEPTION_LIST", dataclasses.replace(selectors.EXCEPTION_LIST, page_size=2))
    severities = [Severity.LOW, Severity.HIGH, Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM]
    made = [make_exception(network.store_a, severity=severity, title=f"N01/IN/{n:05} from Fresh Fields")
            for n, severity in enumerate(severities)]
    made.append(make_exception(network.store_c, severity=Severity.CRITICAL, title="S01/IN/00001 from Dairy Direct"))
    return made


@pytest.mark.parametrize(("person", "count"), [("manager_a", 5), ("manager_c", 1), ("hq", 6)])
def test_it_pages_worst_first_within_the_scope(network: Network, cases, person: str, count: int) -> None:  # type: ignore[no-untyped-def]
    seen = walk(signed_in(getattr(network, person)), reverse("operations:list"), "status=active",
                lambda response: response.context["listing"].rows)
    scoped = OpsException.objects.for_user(getattr(network, person)).order_by("-severity", "opened_at", "-pk")
    assert seen == list(scoped.values_list("pk", flat=True))
    assert len(seen) == count


def test_it_searches_vendor_and_store_and_sorts_by_title(network: Network, cases) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(network.hq)
    rows = client.get(reverse("operations:list"), {"q": "dairy"}).context["listing"].rows
    assert [item.pk for item in rows] == [cases[-1].pk]
    assert client.get(reverse("operations:list"), {"q": "S01/IN"}).context["listing"].rows == rows
    assert signed_in(network.manager_a).get(reverse("operations:list"), {"q": "dairy"}).context["listing"].rows == []
    response = client.get(reverse("operations:list"), {"sort": "title"})
    assert [item.title for item in response.context["listing"].rows] == sorted(c.title for c in cases)[:2]
    assert 'aria-sort="ascending"' in response.content.decode()
