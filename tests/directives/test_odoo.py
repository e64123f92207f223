"""Directives in Odoo through the outbox, against the sandbox over real HTTP: one task per store with a
subtask per item (exactly once, retry-safe), answers and photos on the right subtask, the store task
closed on approval, and Odoo's own closing and reopening coming back through the feed."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from apps.directives import conf
from apps.directives.models import CopyStatus, ItemKind, StoreDirective
from apps.directives.services.checklists import Answer, copy_approve_all, item_answer, item_review
from apps.integration.conf import STORE_FIELD
from apps.organisation.models import Store
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.directives.conftest import a_photo, complete, copy_of, publish, run_all
from tests.factories import Network, make_store

pytestmark = pytest.mark.django_db
TASK_FIELDS = ["name", "state", "parent_id", "description", "project_id", STORE_FIELD, "closed_subtask_count"]


def store_tasks(server: Any) -> list[dict[str, Any]]:
    return server.execute("admin", "project.task", "search_read", [[["project_id.name", "=", conf.PROJECT],
                                                                     ["parent_id", "=", False]]],
                          {"fields": TASK_FIELDS})


def subtasks(server: Any, task_id: int) -> list[dict[str, Any]]:
    return server.execute("admin", "project.task", "search_read", [[["parent_id", "=", task_id]]],
                          {"fields": TASK_FIELDS, "order": "id"})


def subtask_of(server: Any, copy: StoreDirective, label: str) -> dict[str, Any]:
    copy.refresh_from_db()
    item = copy.directive.items.get(label=label)
    [row] = server.execute("admin", "project.task", "read", [[copy.odoo_subtasks[str(item.pk)]]],
                           {"fields": TASK_FIELDS})
    return row


def test_publishing_to_24_stores_creates_24_tasks_with_their_subtasks_once(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    taken = set(Store.objects.values_list("odoo_warehouse_id", flat=True))
    for warehouse in range(2, 26):
        if warehouse not in taken:
            make_store(network.north if warehouse % 2 else network.south, f"W{warehouse:02d}", warehouse)
    directive = publish(network.hq)
    assert directive.copies.count() == 24
    before = len(store_tasks(odoo_server))
    run_all(odoo)
    references = {f"[{copy.reference}]" for copy in directive.copies.all()}
    mine = lambda: [t for t in store_tasks(odoo_server) if t["name"].rsplit(" ", 1)[-1] in references]  # noqa: E731
    tasks = mine()
    assert len(tasks) == 24
    assert len(store_tasks(odoo_server)) == before + 24
    warehouses = {c.odoo_task_id: c.store.odoo_warehouse_id for c in directive.copies.select_related("store")}
    for task in tasks:
        assert task[STORE_FIELD][0] == warehouses[task["id"]]
        assert [s["name"].split(" [")[0] for s in subtasks(odoo_server, task["id"])] == [
            "End-cap built", "Facings counted", "End-cap photo"]
    # Retry-safe: every create is sent again as if its answer had been lost; nothing is made twice.
    creates = WriteBack.objects.filter(kind="directive.task_create")
    assert creates.count() == 24
    creates.update(status=WriteBackStatus.QUEUED, result={})
    run_all(odoo)
    assert len(mine()) == 24
    assert sum(len(subtasks(odoo_server, t["id"])) for t in tasks) == 72
    assert set(creates.values_list("status", flat=True)) == {WriteBackStatus.APPLIED}


def test_completing_an_item_with_a_photo_lands_the_answer_and_attachment_on_its_subtask(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    directive = publish(network.hq, stores=[network.store_a], target_mode="stores")
    run_all(odoo)
    copy = copy_of(directive, network.store_a)
    photo_item = directive.items.get(kind=ItemKind.PHOTO)
    number_item = directive.items.get(kind=ItemKind.NUMBER)
    answer = item_answer(copy=copy, item=photo_item, actor=network.manager_a,
                         answer=Answer(note="left of the entrance", photo=a_photo()))
    item_answer(copy=copy, item=number_item, actor=network.manager_a, answer=Answer(value="12"))
    run_all(odoo)
    photo_task = subtask_of(odoo_server, copy, "End-cap photo")
    assert photo_task["state"] == "1_done"
    assert "left of the entrance" in photo_task["description"]
    [attachment] = odoo_server.execute("admin", "ir.attachment", "search_read", [[
        ["res_model", "=", "project.task"], ["res_id", "=", photo_task["id"]]]], {"fields": ["name", "datas"]})
    answer.refresh_from_db()
    assert attachment["name"] == answer.odoo_photo_name
    assert base64.b64decode(attachment["datas"]).startswith(b"\xff\xd8")
    assert answer.odoo_attachment_id == attachment["id"]
    assert "12" in subtask_of(odoo_server, copy, "Facings counted")["description"]
    assert subtask_of(odoo_server, copy, "End-cap built")["state"] == "01_in_progress"
    [task] = [t for t in store_tasks(odoo_server) if t["id"] == copy.odoo_task_id]
    assert task["closed_subtask_count"] == 2
    assert task["state"] == "01_in_progress"
    # Sent once: running the outbox again calls nothing new.
    assert run_all(odoo) == []


def test_a_returned_item_reopens_its_subtask_and_approval_closes_the_store_task(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    directive = publish(network.hq, stores=[network.store_a], target_mode="stores")
    run_all(odoo)
    copy = complete(copy_of(directive, network.store_a), network.manager_a)
    run_all(odoo)
    photo_item = directive.items.get(kind=ItemKind.PHOTO)
    item_review(copy=copy, item=photo_item, actor=network.regional_north, approve=False, comment="Label wrong, redo")
    run_all(odoo)
    reopened = subtask_of(odoo_server, copy, "End-cap photo")
    assert reopened["state"] == "01_in_progress"
    assert "Label wrong, redo" in reopened["description"]
    item_answer(copy=copy, item=photo_item, actor=network.manager_a, answer=Answer(photo=a_photo()))
    complete(copy, network.manager_a, submit=False)
    from apps.directives.services.checklists import copy_submit

    copy_submit(copy=copy, actor=network.manager_a)
    copy_approve_all(copy=copy, actor=network.regional_north)
    copy.refresh_from_db()
    assert copy.status == CopyStatus.APPROVED
    run_all(odoo)
    [task] = [t for t in store_tasks(odoo_server) if t["id"] == copy.odoo_task_id]
    assert task["state"] == "1_done"
    assert {s["state"] for s in subtasks(odoo_server, task["id"])} == {"1_done"}
    # Two photo rounds, two attachments on the photo subtask, each sent once.
    photo_task = subtask_of(odoo_server, copy, "End-cap photo")
    assert odoo_server.execute("admin", "ir.attachment", "search_count", [[
        ["res_model", "=", "project.task"], ["res_id", "=", photo_task["id"]]]]) == 2


def test_a_task_closed_or_reopened_in_odoo_comes_back_through_the_feed(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    feeds_ensure()
    directive = publish(network.hq, stores=[network.store_a, network.store_b], target_mode="stores")
    run_all(odoo)
    copy = copy_of(directive, network.store_a)
    feed = Feed.objects.get(slug="directive-tasks")
    assert feed_sync(feed, gateway=odoo).status == "ok"
    odoo_server.execute("admin", "project.task", "write", [[copy.odoo_task_id], {"state": "1_done"}])
    assert feed_sync(feed, gateway=odoo).status == "ok"
    copy.refresh_from_db()
    assert copy.status == CopyStatus.APPROVED
    assert copy.closed_in_odoo
    assert copy_of(directive, network.store_b).status == CopyStatus.NOT_STARTED
    odoo_server.execute("admin", "project.task", "write", [[copy.odoo_task_id], {"state": "01_in_progress"}])
    assert feed_sync(feed, gateway=odoo).status == "ok"
    copy.refresh_from_db()
    assert copy.status == CopyStatus.IN_REVIEW
    assert not copy.closed_in_odoo
    # Directive tasks carry the store field but never become incidents.
    from apps.incidents.models import StoreIncident

    assert feed_sync(Feed.objects.get(slug="incident-tasks"), gateway=odoo).status == "ok"
    assert not StoreIncident.objects.filter(title__contains="CT-DIR-").exists()
