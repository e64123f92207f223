"""Getting incidents into Odoo through the outbox: creation with photos, chatter notes, overrides.

Every executor is idempotent. Creation puts the portal's reference in the record's name before it
is created and looks for it first, so a create whose answer was lost (Odoo committed, the reply
never came) is found on the retry instead of being made twice. Attachments are found by their
unique name, chatter notes by a marker in their text. `OdooUnavailable` is let through: the outbox
retries with backoff.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps import events
from apps.audit.services import audit_record
from apps.events.types import IncidentWriteBackFinished
from apps.incidents.models import (
    IncidentComment,
    IncidentOverride,
    IncidentPhoto,
    IncidentStatus,
    OverrideKind,
    StoreIncident,
)
from apps.incidents.odoo_records import (
    HELPDESK_TICKET,
    MAINTENANCE_REQUEST,
    PROJECT_TASK,
    TARGETS,
    TASK_CLOSED_STATES,
    create_values,
    mirror_fields,
    reference_marker,
    target_for,
    team_name_for,
)
from apps.incidents.taxonomy import TASK_TAGS
from apps.odoo_gateway import OdooGateway, format_odoo_datetime, m2o_id
from apps.portal.phrases import phrase
from apps.writeback.executors import WriteBackConflict, WriteBackRefused, save_progress
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)
KIND_CREATE = "incident.create"
KIND_NOTE = "incident.note"
KIND_OVERRIDE = "incident.override"
KIND_ANSWER = "incident.store_answer"  # "Fixed?": the store confirms or reopens (services/confirmation.py)


def create_key(incident: StoreIncident) -> str:
    return f"incident-create-{incident.reference}"


# -- queueing follow-ups -------------------------------------------------------------------------

def note_enqueue(comment: IncidentComment, *, created_by: User | None) -> WriteBack:
    incident = comment.incident
    writeback = writeback_enqueue(kind=KIND_NOTE, idempotency_key=f"incident-note-{comment.pk}",
                                  odoo_model=incident.odoo_model, odoo_id=incident.odoo_id,
                                  payload={"incident_id": incident.pk, "comment_id": comment.pk},
                                  store=incident.store, source=comment, created_by=created_by)
    IncidentComment.objects.filter(pk=comment.pk).update(writeback=writeback)
    return writeback


def override_enqueue(override: IncidentOverride, *, created_by: User | None) -> WriteBack:
    incident = override.incident
    writeback = writeback_enqueue(kind=KIND_OVERRIDE, idempotency_key=f"incident-override-{override.pk}",
                                  odoo_model=incident.odoo_model, odoo_id=incident.odoo_id,
                                  payload={"incident_id": incident.pk, "override_id": override.pk},
                                  store=incident.store, source=override, created_by=created_by)
    IncidentOverride.objects.filter(pk=override.pk).update(writeback=writeback)
    return writeback


def followups_enqueue(incident: StoreIncident) -> int:
    """Comments and overrides made before the incident existed in Odoo are sent once it does."""
    count = 0
    for comment in incident.comments.filter(writeback__isnull=True).select_related("incident__store", "author"):
        note_enqueue(comment, created_by=comment.author)
        count += 1
    for override in incident.overrides.filter(writeback__isnull=True).select_related("incident__store", "actor"):
        override_enqueue(override, created_by=override.actor)
        count += 1
    return count


# -- executors ---------------------------------------------------------------------------------

def _incident(writeback: WriteBack) -> StoreIncident:
    try:
        return StoreIncident.objects.select_related("store", "submitted_by").get(pk=writeback.payload["incident_id"])
    except (StoreIncident.DoesNotExist, KeyError):
        raise WriteBackRefused(phrase("The incident no longer exists in the portal.")) from None


def _find_by_reference(gateway: OdooGateway, incident: StoreIncident) -> int | None:
    found = gateway.search(incident.odoo_model, [["name", "like", reference_marker(incident.reference)]],
                           limit=1, context={"active_test": False})
    return found[0] if found else None


def _lookups(gateway: OdooGateway, incident: StoreIncident) -> dict[str, Any]:
    """Ids the new record refers to, found by name (they differ between Odoo databases)."""
    target = target_for(incident.odoo_model)
    lookups: dict[str, Any] = {}
    team_name = team_name_for(incident)
    if team_name:
        found = gateway.search(target.team_model, [["name", "=", team_name]], limit=1)
        if found:
            lookups["team_id"] = found[0]
        elif incident.odoo_model != MAINTENANCE_REQUEST:  # a maintenance request falls back on Odoo's default team
            setting = "CT_INCIDENT_PROJECT" if incident.odoo_model == PROJECT_TASK else "CT_INCIDENT_HELPDESK_TEAM"
            raise WriteBackRefused(phrase("%(model)s %(name)s does not exist in Odoo (see %(setting)s).",
                                          model=target.team_model, name=repr(team_name), setting=setting))
    if incident.odoo_model == MAINTENANCE_REQUEST and incident.equipment_ref:
        found = gateway.search("maintenance.equipment", ["|", ["name", "ilike", incident.equipment_ref],
                                                         ["serial_no", "=", incident.equipment_ref]], limit=2)
        if len(found) == 1:  # only an unambiguous match is linked; the reference is in the text anyway
            lookups["equipment_id"] = found[0]
    if incident.odoo_model == PROJECT_TASK and incident.category in TASK_TAGS:
        found = gateway.search("project.tags", [["name", "=", TASK_TAGS[incident.category]]], limit=1)
        if found:
            lookups["tag_id"] = found[0]
    return lookups


def _attach(gateway: OdooGateway, photo: IncidentPhoto, model: str, odoo_id: int) -> int:
    """One photo as an `ir.attachment` of the record, found first by its unique name."""
    if photo.odoo_attachment_id:
        return photo.odoo_attachment_id
    found = gateway.search("ir.attachment", [["res_model", "=", model], ["res_id", "=", odoo_id],
                                             ["name", "=", photo.odoo_name]], limit=1)
    if found:
        attachment_id = found[0]
    else:
        try:
            with photo.file.open("rb") as handle:
                content = base64.b64encode(handle.read()).decode("ascii")
        except OSError as exc:
            raise WriteBackRefused(phrase("Photo %(photo)s cannot be read from storage: %(error)s.",
                                          photo=str(photo.pk), error=exc.strerror)) from exc
        attachment_id = gateway.create("ir.attachment", {
            "name": photo.odoo_name, "res_model": model, "res_id": odoo_id, "type": "binary",
            "datas": content, "mimetype": "image/jpeg"})
    IncidentPhoto.objects.filter(pk=photo.pk).update(odoo_attachment_id=attachment_id)
    return attachment_id


def create_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Create the incident's record in Odoo (or find the one a lost answer left behind), then attach
    its photos. Each finished step is saved, so a retry continues where the last attempt stopped."""
    incident = _incident(writeback)
    if incident.odoo_model not in TARGETS:
        raise WriteBackRefused(phrase("Incidents cannot be created as %(model)s.", model=repr(incident.odoo_model)))
    if incident.store.odoo_warehouse_id is None:
        raise WriteBackRefused(phrase("Store %(store)s has no Odoo warehouse; map it, then replay.",
                                      store=incident.store.code))
    odoo_id = writeback.result.get("odoo_id") or _find_by_reference(gateway, incident)
    if odoo_id is None:
        odoo_id = gateway.create(incident.odoo_model, create_values(incident, _lookups(gateway, incident)))
    save_progress(writeback, odoo_id=odoo_id)
    WriteBack.objects.filter(pk=writeback.pk).update(odoo_id=odoo_id)
    StoreIncident.objects.filter(pk=incident.pk, odoo_id__isnull=True).update(odoo_id=odoo_id)
    photos = IncidentPhoto.objects.filter(incident=incident, pk__in=writeback.payload.get("photo_ids", []))
    attachments = [_attach(gateway, photo, incident.odoo_model, odoo_id) for photo in photos.select_related("incident")]
    target = target_for(incident.odoo_model)
    rows = gateway.read(incident.odoo_model, [odoo_id], target.read_fields)
    return {"odoo_id": odoo_id, "attachment_ids": attachments, "record": rows[0] if rows else {}}


def note_once(gateway: OdooGateway, writeback: WriteBack, *, model: str, odoo_id: int, body: str, marker: str,
               attachment_ids: list[int] | None = None) -> int:
    """Post one chatter note, unless this write-back already did (saved step, or found by marker)."""
    if writeback.result.get("message_id"):
        return int(writeback.result["message_id"])
    found = gateway.search("mail.message", [["model", "=", model], ["res_id", "=", odoo_id],
                                            ["body", "ilike", marker]], limit=1)
    if found:
        message_id = found[0]
    else:
        # The gateway reads the answer, whose shape differs by version (18: the id; 19: `[id]`).
        message_id = gateway.message_post(model, odoo_id, f"{body}\n\n{marker}", attachment_ids=attachment_ids or ())
    save_progress(writeback, message_id=message_id)
    return message_id


def person_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "the portal"


def note_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """A store's comment (and its photos) as a note in the record's chatter. Plain text: Odoo escapes it."""
    incident = _incident(writeback)
    comment = IncidentComment.objects.filter(pk=writeback.payload.get("comment_id")).select_related("author").first()
    if comment is None:
        raise WriteBackRefused(phrase("The comment no longer exists in the portal."))
    odoo_id = writeback.odoo_id or incident.odoo_id
    if not odoo_id:
        raise WriteBackRefused(phrase("The incident is not in Odoo yet."))
    attachments = [_attach(gateway, photo, incident.odoo_model, odoo_id)
                   for photo in comment.photos.select_related("incident")]
    text = comment.body or f"Added {len(attachments)} photo{'' if len(attachments) == 1 else 's'}."
    body = f"{person_name(comment.author)} ({incident.store.code}) via Control Tower:\n{text}"
    marker = f"Control Tower comment {incident.reference}/{comment.pk}"
    message_id = note_once(gateway, writeback, model=incident.odoo_model, odoo_id=odoo_id, body=body,
                            marker=marker, attachment_ids=attachments)
    IncidentComment.objects.filter(pk=comment.pk).update(odoo_message_id=message_id)
    return {"message_id": message_id, "attachment_ids": attachments}


def _close_duplicate(gateway: OdooGateway, model: str, odoo_id: int) -> None:
    """Closing respects the contract: maintenance requests have no `active` (archive them); a task's
    `state` is separate from its stage (cancel the state, never move the stage)."""
    if model == MAINTENANCE_REQUEST:
        gateway.call(model, "archive_equipment_request", [odoo_id])
    elif model == PROJECT_TASK:
        gateway.write(model, [odoo_id], {"state": "1_canceled"})
    elif model == HELPDESK_TICKET:
        folded = gateway.search("helpdesk.stage", [["fold", "=", True]], limit=1)
        gateway.write(model, [odoo_id], {"stage_id": folded[0]} if folded else {"active": False})


def override_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Apply a regional or HQ override in Odoo, then note who decided it and why in the chatter."""
    incident = _incident(writeback)
    override = IncidentOverride.objects.filter(pk=writeback.payload.get("override_id")).select_related("actor").first()
    if override is None:
        raise WriteBackRefused(phrase("The override no longer exists in the portal."))
    model, odoo_id = incident.odoo_model, writeback.odoo_id or incident.odoo_id
    if not odoo_id:
        raise WriteBackRefused(phrase("The incident is not in Odoo yet."))
    target = target_for(model)
    fields = ["priority", target.team_field, *target.closed_fields]
    if target.has_deadline_field:
        fields.append("date_deadline")
    rows = gateway.read(model, [odoo_id], fields)
    if not rows:
        raise WriteBackConflict(phrase("%(model)s %(id)s no longer exists in Odoo.", model=model, id=str(odoo_id)))
    row, after, changes = rows[0], override.after, {}
    if override.kind != OverrideKind.CLOSE_DUPLICATE and target.is_closed(row) and "message_id" not in writeback.result:
        raise WriteBackConflict(phrase("The incident was closed in Odoo meanwhile; nothing was changed."))
    if override.kind == OverrideKind.REPRIORITISE and not target.priority_matches(row, after["urgency"]):
        changes = target.priority_values(after["urgency"])
    elif override.kind == OverrideKind.REASSIGN_TEAM and m2o_id(row.get(target.team_field)) != after["team_id"]:
        changes = {target.team_field: after["team_id"]}
    elif override.kind == OverrideKind.EXTEND_DEADLINE and target.has_deadline_field:
        deadline = format_odoo_datetime(incident.deadline)
        changes = {} if row.get("date_deadline") == deadline else {"date_deadline": deadline}
    if changes:
        gateway.write(model, [odoo_id], changes)
    if override.kind == OverrideKind.CLOSE_DUPLICATE and not target.is_closed(row):
        _close_duplicate(gateway, model, odoo_id)
    duplicate = f" of {after['duplicate_of']}" if after.get("duplicate_of") else ""
    body = (f"{override.get_kind_display()}{duplicate} by {person_name(override.actor)} in Control Tower.\n"
            f"Reason: {override.reason}")
    message_id = note_once(gateway, writeback, model=model, odoo_id=odoo_id, body=body,
                            marker=f"Control Tower override {incident.reference}/{override.pk}")
    return {"changed": sorted(changes), "message_id": message_id}


# -- the store's answer to "Fixed?" ----------------------------------------------------------------------------------

def _open_stage(gateway: OdooGateway, model: str, row: dict[str, Any]) -> int | None:
    if model == MAINTENANCE_REQUEST:
        found = gateway.search("maintenance.stage", [["done", "=", False]], order="sequence asc, id asc", limit=1)
    elif model == PROJECT_TASK and m2o_id(row.get("project_id")):
        found = gateway.search("project.task.type", [["project_ids", "in", [m2o_id(row["project_id"])]],
                                                     ["fold", "=", False]], order="sequence asc, id asc", limit=1)
    else:
        found = []
    return found[0] if found else None


def _reopen_values(gateway: OdooGateway, model: str, row: dict[str, Any]) -> dict[str, Any]:
    """What puts the record back in work, respecting the contract: a maintenance request reopens by
    moving to a stage that is not done (Odoo then clears `close_date`) and unarchiving; a task's
    `state` is separate from its stage, so both are written."""
    if model == MAINTENANCE_REQUEST:
        if not (row.get("close_date") or row.get("archive")):
            return {}
        stage = _open_stage(gateway, model, row)
        return {**({"stage_id": stage} if stage else {}), **({"archive": False} if row.get("archive") else {})}
    if model == PROJECT_TASK:
        if row.get("state") not in TASK_CLOSED_STATES:
            return {}
        stage = _open_stage(gateway, model, row)
        return {"state": "01_in_progress", **({"stage_id": stage} if stage else {})}
    raise WriteBackRefused(phrase("Reopening a %(model)s is not supported; reopen it in Odoo.", model=model))


FIELDS = {MAINTENANCE_REQUEST: ["stage_id", "close_date", "archive"], PROJECT_TASK: ["stage_id", "state", "project_id"]}


def answer_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Reopen (when still closed) and note the answer. Re-reading first makes a retry after a lost
    reply a no-op for the stage; the note is found by its marker."""
    answer = (IncidentOverride.objects.select_related("incident__store", "actor")
              .filter(pk=writeback.payload.get("override_id")).first())
    if answer is None:
        raise WriteBackRefused(phrase("The store's answer no longer exists in the portal."))
    incident = answer.incident
    model, odoo_id = incident.odoo_model, writeback.odoo_id or incident.odoo_id
    if not odoo_id:
        raise WriteBackRefused(phrase("The incident is not in Odoo."))
    changes: dict[str, Any] = {}
    if answer.kind == OverrideKind.REOPEN:
        rows = gateway.read(model, [odoo_id], FIELDS.get(model, ["stage_id"]))
        if not rows:
            raise WriteBackConflict(phrase("%(model)s %(id)s no longer exists in Odoo.", model=model, id=str(odoo_id)))
        changes = _reopen_values(gateway, model, rows[0])
        if changes:
            gateway.write(model, [odoo_id], changes)
        body = f"Not fixed: reopened by {person_name(answer.actor)} ({incident.store.code}) in Control Tower.\n" \
               f"Reason: {answer.reason}"
        marker = f"Control Tower reopen {incident.reference}/{answer.pk}"
    else:
        body = f"Fix confirmed by {person_name(answer.actor)} ({incident.store.code}) in Control Tower."
        marker = f"Control Tower fixed {incident.reference}/{answer.pk}"
    message_id = note_once(gateway, writeback, model=model, odoo_id=odoo_id, body=body, marker=marker)
    return {"changed": sorted(changes), "message_id": message_id}


# -- outcomes (inside the transaction that records the final status) -------------------------------

def create_outcome(writeback: WriteBack) -> None:
    incident = StoreIncident.objects.select_for_update().filter(pk=writeback.payload.get("incident_id")).first()
    if incident is None:
        return
    before = incident.snapshot()
    if writeback.status == WriteBackStatus.APPLIED:
        incident.odoo_id = incident.odoo_id or writeback.result.get("odoo_id")
        fields = ["odoo_id", "status", "odoo_synced_at", "updated_at"]
        if incident.status in (IncidentStatus.QUEUED, IncidentStatus.UNDELIVERED):
            incident.status = IncidentStatus.IN_ODOO
            for name, value in mirror_fields(incident.odoo_model, writeback.result.get("record") or {}).items():
                if value:  # what Odoo answered at creation; the mirror keeps it current afterwards
                    setattr(incident, name, value)
                    fields.append(name)
        incident.odoo_synced_at = timezone.now()
        incident.save(update_fields=fields)
        audit_record(action="incident.created_in_odoo", target=incident, store=incident.store,
                     actor_label="outbox", before=before,
                     after={**incident.snapshot(), "odoo_model": incident.odoo_model, "odoo_id": incident.odoo_id})
        followups_enqueue(incident)
    elif incident.status == IncidentStatus.QUEUED:
        incident.status = IncidentStatus.UNDELIVERED
        incident.save(update_fields=["status", "updated_at"])
    events.emit(IncidentWriteBackFinished(writeback=writeback, store=incident.store_id, incident=incident))


def followup_outcome(writeback: WriteBack) -> None:
    events.emit(IncidentWriteBackFinished(writeback=writeback, store=writeback.store_id))

