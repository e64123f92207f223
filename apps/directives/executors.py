"""Directives in Odoo, through the outbox: per store one `project.task` in the directives project
(store field set) with one subtask per checklist item; an answered item closes its subtask
(`state = '1_done'`) with the answer in its description and the photo attached; a returned item
reopens it; the store task closes when every item is approved.

Every executor is idempotent: the store task's name carries the copy's reference and each subtask's
name its item marker, so a create whose answer was lost is found on the retry; attachments are found
by their unique name; a write compares before it writes.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.html import format_html

from apps.directives import conf
from apps.directives.models import CopyStatus, ItemAnswer, ReviewStatus, StoreDirective
from apps.integration.conf import STORE_FIELD
from apps.live.broadcast import panels_changed
from apps.odoo_gateway import OdooGateway, format_odoo_datetime
from apps.portal.phrases import phrase
from apps.writeback.executors import WriteBackRefused, save_progress
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TASK = "project.task"
KIND_CREATE = "directive.task_create"
KIND_ITEM = "directive.item"
KIND_TASK = "directive.task_state"
DONE, OPEN, CANCELLED = "1_done", "01_in_progress", "1_canceled"
TOPIC = "directives"


def item_marker(item_id: int) -> str:
    return f"[item {item_id}]"


def task_name(copy: StoreDirective) -> str:
    return f"{copy.directive.title} · {copy.store.code} [{copy.reference}]"


def task_description(copy: StoreDirective) -> str:
    link = f"{settings.SITE_URL}{copy.get_absolute_url()}"
    return (copy.directive.instructions  # sanitised when it was saved
            + format_html("<p>Store {} · via Control Tower ({})</p>", copy.store, copy.reference)
            + format_html('<p>Portal: <a href="{}">{}</a></p>', link, link))


def task_values(copy: StoreDirective) -> dict[str, Any]:
    """What the store task says now (name, deadline, description, and a final state if it has one)."""
    values: dict[str, Any] = {"name": task_name(copy), "date_deadline": format_odoo_datetime(copy.due_at),
                              "description": task_description(copy)}
    if copy.status == CopyStatus.APPROVED:
        values["state"] = DONE
    elif copy.status == CopyStatus.CANCELLED:
        values["state"] = CANCELLED
    return values


def answer_description(answer: ItemAnswer) -> str:
    person = answer.answered_by
    who = (person.get_full_name() or person.get_username()) if person is not None else "the store"
    lines = [format_html("<p>Answer: <strong>{}</strong></p>", answer.display)]
    if answer.item.kind == "photo" and answer.value_text:
        lines.append(format_html("<p>Note: {}</p>", answer.value_text))
    lines.append(format_html("<p>By {} at {} (round {}).</p>", who, answer.answered_at.strftime("%Y-%m-%d %H:%M"),
                             answer.revision))
    if answer.review_status == ReviewStatus.RETURNED:
        lines.append(format_html("<p>Returned by the region: {}</p>", answer.review_comment))
    return "".join(str(line) for line in lines)


# -- queueing -------------------------------------------------------------------------------------

def task_create_enqueue(copy: StoreDirective, *, created_by: User | None) -> WriteBack:
    return writeback_enqueue(kind=KIND_CREATE, idempotency_key=f"directive-task-{copy.pk}", odoo_model=TASK,
                             odoo_id=None, payload={"copy_id": copy.pk}, store=copy.store, source=copy,
                             created_by=created_by)


def item_enqueue(answer: ItemAnswer, *, created_by: User | None) -> WriteBack | None:
    """The answer's round (answered, or returned) onto its subtask; sent once the subtask exists."""
    copy = answer.copy
    subtask = copy.odoo_subtasks.get(str(answer.item_id))
    if not subtask:
        return None  # the task's creation sends it (followups_enqueue)
    state = OPEN if answer.review_status == ReviewStatus.RETURNED else DONE
    return writeback_enqueue(
        kind=KIND_ITEM, idempotency_key=f"directive-item-{answer.pk}-r{answer.revision}-{state}", odoo_model=TASK,
        odoo_id=subtask, payload={"copy_id": copy.pk, "answer_id": answer.pk, "state": state,
                                  "description": answer_description(answer)},
        store=copy.store, source=answer, created_by=created_by)


def copy_state_enqueue(copy: StoreDirective, *, created_by: User | None, reason: str) -> WriteBack | None:
    """The store task brought in line with the copy (edited, approved, reopened, cancelled)."""
    if not copy.odoo_task_id:
        return None
    sent = WriteBack.objects.filter(kind=KIND_TASK, source_type="directives.storedirective",
                                    source_id=str(copy.pk)).count()
    return writeback_enqueue(kind=KIND_TASK, idempotency_key=f"directive-task-{copy.pk}-{reason}-{sent + 1}",
                             odoo_model=TASK, odoo_id=copy.odoo_task_id, payload={"copy_id": copy.pk,
                                                                                   "values": task_values(copy)},
                             store=copy.store, source=copy, created_by=created_by)


def followups_enqueue(copy: StoreDirective) -> None:
    """What happened while the task was being created (answers, approval, cancellation) goes now."""
    for answer in copy.answers.select_related("item", "answered_by", "copy__store"):
        item_enqueue(answer, created_by=answer.answered_by)
    if copy.status in (CopyStatus.APPROVED, CopyStatus.CANCELLED):
        copy_state_enqueue(copy, created_by=None, reason=copy.status)


# -- executors -------------------------------------------------------------------------------------

def _copy(writeback: WriteBack) -> StoreDirective:
    copy = StoreDirective.objects.select_related("store", "directive").filter(
        pk=writeback.payload.get("copy_id")).first()
    if copy is None:
        raise WriteBackRefused(phrase("The store's directive no longer exists in the portal."))
    return copy


def _project(gateway: OdooGateway) -> int:
    """The directives project, found by name (created the first time: it holds nothing else)."""
    found = gateway.search("project.project", [["name", "=", conf.PROJECT]], limit=1, order="id")
    return found[0] if found else gateway.create("project.project", {"name": conf.PROJECT})


def task_create_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """The store task (found by its reference first), then its missing subtasks in one call. Each step
    is saved, so a retry continues where the last attempt stopped."""
    copy = _copy(writeback)
    if copy.store.odoo_warehouse_id is None:
        raise WriteBackRefused(phrase("Store %(store)s has no Odoo warehouse; map it, then replay.",
                                      store=copy.store.code))
    project_id = writeback.result.get("project_id") or _project(gateway)
    task_id = writeback.result.get("task_id")
    if not task_id:
        found = gateway.search(TASK, [["name", "like", f"[{copy.reference}]"], ["parent_id", "=", False]], limit=1,
                               context={"active_test": False})
        task_id = found[0] if found else gateway.create(TASK, {
            **task_values(copy), "project_id": project_id, STORE_FIELD: copy.store.odoo_warehouse_id,
            "user_ids": []})
    save_progress(writeback, project_id=project_id, task_id=task_id)
    WriteBack.objects.filter(pk=writeback.pk).update(odoo_id=task_id)
    existing = {row["name"]: row["id"] for row in gateway.search_read(
        TASK, [["parent_id", "=", task_id]], ["name"], context={"active_test": False})}
    subtasks: dict[str, int] = {}
    missing = []
    for item in copy.directive.items.all():
        marker = item_marker(item.pk)
        found_id = next((odoo_id for name, odoo_id in existing.items() if name.endswith(marker)), None)
        if found_id:
            subtasks[str(item.pk)] = found_id
        else:
            missing.append(item)
    if missing:
        created = gateway.call_for_ids(TASK, "create", None, vals_list=[
            {"name": f"{item.label} {item_marker(item.pk)}", "project_id": project_id, "parent_id": task_id,
             "user_ids": []} for item in missing])
        if len(created) != len(missing):
            raise WriteBackRefused(phrase("Odoo answered the subtasks' creation with %(answer)s.",
                                          answer=repr(created)))
        subtasks.update({str(item.pk): int(odoo_id) for item, odoo_id in zip(missing, created, strict=True)})
    save_progress(writeback, subtasks=subtasks)
    return {"task_id": task_id, "subtasks": subtasks}


def _attach(gateway: OdooGateway, answer: ItemAnswer, subtask: int) -> int | None:
    if not answer.photo:
        return None
    name = answer.odoo_photo_name
    found = gateway.search("ir.attachment", [["res_model", "=", TASK], ["res_id", "=", subtask], ["name", "=", name]],
                           limit=1)
    if found:
        return found[0]
    try:
        with answer.photo.open("rb") as handle:
            content = base64.b64encode(handle.read()).decode("ascii")
    except OSError as exc:
        raise WriteBackRefused(phrase("The photo of answer %(answer)s cannot be read from storage: %(error)s.",
                                      answer=str(answer.pk), error=exc.strerror)) from exc
    return gateway.create("ir.attachment", {"name": name, "res_model": TASK, "res_id": subtask, "type": "binary",
                                            "datas": content, "mimetype": "image/jpeg"})


def item_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Close (or reopen) the item's subtask with the answer in its description and its photo attached."""
    answer = (ItemAnswer.objects.select_related("item", "copy__store")
              .filter(pk=writeback.payload.get("answer_id")).first())
    if answer is None or writeback.odoo_id is None:
        raise WriteBackRefused(phrase("The answer no longer exists in the portal."))
    subtask, state = writeback.odoo_id, writeback.payload["state"]
    rows = gateway.read(TASK, [subtask], ["state", "description"])
    if not rows:
        raise WriteBackRefused(phrase("Subtask %(id)s no longer exists in Odoo.", id=str(subtask)))
    attachment = _attach(gateway, answer, subtask) if state == DONE else None
    if attachment:
        save_progress(writeback, attachment_id=attachment)
        ItemAnswer.objects.filter(pk=answer.pk).update(odoo_attachment_id=attachment)
    changes = {key: value for key, value in (("state", state), ("description", writeback.payload["description"]))
               if rows[0].get(key) != value}
    if changes:
        gateway.write(TASK, [subtask], changes)
    return {"subtask": subtask, "state": state, "changed": sorted(changes), "attachment_id": attachment}


def task_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Write only what differs on the store task (its state, name, deadline, description)."""
    assert writeback.odoo_id is not None
    values: dict[str, Any] = writeback.payload["values"]
    rows = gateway.read(TASK, [writeback.odoo_id], list(values))
    if not rows:
        raise WriteBackRefused(phrase("Task %(id)s no longer exists in Odoo.", id=str(writeback.odoo_id)))
    changes = {key: value for key, value in values.items() if rows[0].get(key) != value}
    if changes:
        gateway.write(TASK, [writeback.odoo_id], changes)
    return {"changed": sorted(changes)}


# -- outcomes (inside the transaction that records the final status) ---------------------------------

def create_outcome(writeback: WriteBack) -> None:
    copy = StoreDirective.objects.select_for_update().filter(pk=writeback.payload.get("copy_id")).first()
    if copy is None:
        return
    if writeback.status == WriteBackStatus.APPLIED:
        copy.odoo_task_id = writeback.result.get("task_id")
        copy.odoo_subtasks = writeback.result.get("subtasks") or {}
        copy.save(update_fields=["odoo_task_id", "odoo_subtasks", "updated_at"])
        followups_enqueue(copy)
    panels_changed(store_id=copy.store_id, topics=[TOPIC])


def followup_outcome(writeback: WriteBack) -> None:
    panels_changed(store_id=writeback.store_id, topics=[TOPIC])
