"""The Unassigned queue: an Odoo record whose store is unknown reaches no store's inbox but is seen
by HQ and operations; assigning a store writes it to Odoo through the outbox (audited) and the
request then flows to the store."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.approvals.models import ApprovalRequest
from apps.audit.models import AuditEvent
from apps.integration.conf import STORE_FIELD
from apps.integration.selectors import unassigned_count, unassigned_records
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.approvals.support import dispatched, run_writebacks  # noqa: F401 (autouse fixture)
from tests.factories import Network

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def untagged_refund(server: Any) -> int:
    """A draft refund an Odoo user saved without choosing the store."""
    customer = server.execute("admin", "res.partner", "search", [[["customer_rank", ">", 0]]], {"limit": 1}) or \
        server.execute("admin", "res.partner", "search", [[]], {"limit": 1})
    return int(server.execute("admin", "account.move", "create", [{
        "move_type": "out_refund", "partner_id": customer[0],
        "invoice_line_ids": [[0, 0, {"name": "Returned kettle", "quantity": 1, "price_unit": 42}]]}]))


@pytest.fixture
def unassigned(odoo, odoo_server, network: Network) -> Any:  # type: ignore[no-untyped-def]
    refund = untagged_refund(odoo_server)
    feeds_ensure()
    run = feed_sync(Feed.objects.get(slug="customer-refunds"), gateway=odoo, full=True)
    assert run.status == "ok", run.error
    return next(record for record in unassigned_records() if record.odoo_id == refund)


def test_the_queue_is_seen_by_hq_and_operations_only(unassigned, network: Network) -> None:  # type: ignore[no-untyped-def]
    url = reverse("integration:unassigned")
    assert signed_in(None).get(url).status_code == 302
    for person in ("manager_a", "regional_north"):
        assert signed_in(getattr(network, person)).get(url).status_code == 403
    for person in ("hq", "ops"):
        page = signed_in(getattr(network, person)).get(url)
        assert page.status_code == 200
        assert f"account.move #{unassigned.odoo_id}" in page.content.decode()
    assert not ApprovalRequest.objects.filter(odoo_model="account.move", odoo_id=unassigned.odoo_id).exists()
    assert unassigned_count() >= 1


def test_assigning_a_store_writes_it_to_odoo_once_and_the_request_reaches_the_store(
        unassigned, odoo, odoo_server, network: Network) -> None:  # type: ignore[no-untyped-def]
    url = reverse("integration:assign", args=[unassigned.pk])
    store = network.store_a
    assert signed_in(network.manager_a).post(url, {"store": store.pk}).status_code == 403
    assert signed_in(network.regional_north).post(url, {"store": store.pk}).status_code == 403
    assert not WriteBack.objects.exists()

    client = signed_in(network.hq)
    assert client.post(url, {"store": "nope"}).status_code == 302
    assert not WriteBack.objects.exists()
    assert client.post(url, {"store": store.pk}).status_code == 302
    assert client.post(url, {"store": store.pk}).status_code in (302, 404)  # a double click writes once
    assert WriteBack.objects.count() == 1
    assert AuditEvent.objects.filter(action="unassigned.assigned").count() == 1

    writes_before = odoo_server.rpc_count
    done = run_writebacks(odoo)
    assert [w.status for w in done] == [WriteBackStatus.APPLIED]
    record = odoo_server.execute("admin", "account.move", "read", [[unassigned.odoo_id], [STORE_FIELD]])[0]
    assert record[STORE_FIELD][0] == store.odoo_warehouse_id
    assert odoo_server.rpc_count > writes_before
    request = ApprovalRequest.objects.get(odoo_model="account.move", odoo_id=unassigned.odoo_id)
    assert request.store == store
    assert unassigned.pk not in {r.pk for r in unassigned_records()}


def test_an_untagged_incident_task_reaches_unassigned_and_other_projects_tasks_never_come_in(
        odoo, odoo_server, network: Network) -> None:  # type: ignore[no-untyped-def]
    from apps.incidents import conf as incident_conf
    from apps.incidents.models import StoreIncident
    from apps.sync.models import MirrorRecord

    project = odoo_server.execute("admin", "project.project", "search",
                                  [[["name", "=", incident_conf.TASK_PROJECT]]], {"limit": 1})[0]
    other = odoo_server.execute("admin", "project.project", "create", [{"name": "Shelf planning"}])
    untagged = odoo_server.execute("admin", "project.task", "create", [{"name": "Door sensor beeping",
                                                                         "project_id": project}])
    warehouse = network.store_a.odoo_warehouse_id
    tagged_elsewhere = odoo_server.execute("admin", "project.task", "create", [{
        "name": "Plan the summer aisle", "project_id": other, STORE_FIELD: warehouse}])
    feeds_ensure()
    tasks = Feed.objects.get(slug="incident-tasks")
    run = feed_sync(tasks, gateway=odoo, full=True)
    assert run.status == "ok", run.error
    assert untagged in [record.odoo_id for record in unassigned_records(limit=None)]
    assert not MirrorRecord.objects.filter(feed=tasks, odoo_id=tagged_elsewhere).exists()
    assert not StoreIncident.objects.filter(odoo_model="project.task",
                                            odoo_id__in=[untagged, tagged_elsewhere]).exists()
    assert StoreIncident.objects.filter(odoo_model="project.task").exists()  # the project's tagged tasks still do
