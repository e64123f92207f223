"""The audit trail as a list: keyset pages newest first, a text search (also in the export),
sortable columns; HQ and operations only."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit import selectors
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from tests.approvals.support import signed_in
from tests.factories import Network
from tests.listing import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(network: Network, monkeypatch: pytest.MonkeyPatch) -> list[AuditEvent]:
    monkeypatch.setattr(selectors, "AUDIT_LIST", dataclasses.replace(selectors.AUDIT_LIST, page_size=3))
    made = [audit_record(action="approval.approve", actor=network.hq, store=network.store_a, message=f"PO{n} fine")
            for n in range(7)]
    made.append(audit_record(action="approval.reject", actor=network.hq, store=network.store_c, message="Vendor X"))
    return made


def test_it_pages_the_trail_newest_first(network: Network, events) -> None:  # type: ignore[no-untyped-def]
    seen = walk(signed_in(network.hq), reverse("audit:events"), "sort=-when",
                lambda response: response.context["listing"].rows)
    assert seen == list(AuditEvent.objects.order_by("-occurred_at", "-pk").values_list("pk", flat=True))


def test_it_searches_the_page_and_the_export(network: Network, events) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(network.ops)
    rows = client.get(reverse("audit:events"), {"q": "vendor x"}).context["listing"].rows
    assert [event.pk for event in rows] == [events[-1].pk]
    export = b"".join(client.get(reverse("audit:export"), {"q": "vendor x"}).streaming_content).decode()
    assert "Vendor X" in export
    assert "PO1 fine" not in export
    by_store = {event.pk for event in client.get(reverse("audit:events"), {"q": "S01"}).context["listing"].rows}
    assert events[-1].pk in by_store
    assert not by_store & {event.pk for event in events[:-1]}  # the N01 approvals are left out


@pytest.mark.parametrize("person", ["manager_a", "regional_north", "nobody"])
def test_it_keeps_the_trail_from_everyone_but_hq_and_operations(network: Network, events, person: str) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(getattr(network, person)).get(reverse("audit:events"), {"q": "PO"}).status_code == 403
    assert Client().get(reverse("audit:events"), {"q": "PO"}).status_code == 302
