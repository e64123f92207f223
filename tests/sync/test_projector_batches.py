"""A first sync with a domain projector writes each page in a fixed number of statements, however
many records it holds (no per-record insert, policy lookup or triage call in the sync transaction)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.approvals.models import ApprovalRequest
from apps.incidents.models import StoreIncident
from apps.sync.engine import feed_sync
from apps.sync.models import RunStatus
from tests.sync.test_sync import demo_stores, feed

__all__ = ["demo_stores"]
pytestmark = pytest.mark.django_db


def first_sync_queries(slug: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        run = feed_sync(feed(slug, batch_size=5000))
    assert run.status == RunStatus.OK, run.error
    return run.created, len(queries)


@pytest.mark.parametrize(("slug", "rows"), [("incident-tasks", StoreIncident), ("purchase-orders", ApprovalRequest),
                                            ("customer-refunds", ApprovalRequest)])
def test_a_first_sync_with_a_projector_costs_a_fixed_number_of_queries(odoo, demo_stores, slug, rows) -> None:
    created, queries = first_sync_queries(slug)
    assert created > 5
    assert rows.objects.count() > 5
    assert queries <= 30, f"{queries} queries for {created} records"
