"""Mirror → incidents: Odoo's stage, priority, assignee, team and closure flow back to the portal.

Runs inside the sync batch's transaction (see `apps.sync.projectors`). A mirrored record is linked
to its incident by the Odoo id saved after creation, or by the portal reference in its name (the
sync can see a new record before the outbox has recorded its id). Records created directly in Odoo
for a store become incidents too, so a store sees everything open against it: a few at a time in the
page that brought them; more than `CT_INCIDENT_ADOPT_INLINE_MAX` (a first import, a bulk import in
Odoo) after the page's commit, by a task on the sync queue (`apps.incidents.services.adoption`), so an
import runs at the speed of Odoo's read instead of waiting for triage and the incidents' inserts.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps import events
from apps.events.types import Event, IncidentReported, IncidentStatusChanged, IncidentUpdated
from apps.incidents import conf
from apps.incidents.models import OPEN_STATUSES, IncidentSource, IncidentStatus, StoreIncident, sla_deadline
from apps.incidents.odoo_records import (
    TARGETS,
    category_guess,
    mirror_fields,
    status_from_values,
    urgency_guess,
)
from apps.incidents.taxonomy import EXAMPLES, MAINTENANCE_CATEGORIES, Category
from apps.odoo_gateway import m2o_name
from apps.sync.bulk import instances_new, rows_insert, rows_update
from apps.sync.mirror import DELETED
from apps.sync.models import MirrorRecord
from apps.sync.projectors import BatchResult

_REFERENCE = re.compile(r"\[(CT-[A-Z0-9]{8})\]")
_PREFIX = {"maintenance.request": "MR", "project.task": "TASK", "helpdesk.ticket": "TICKET"}
OTHER_CATEGORIES = tuple(value for value in Category.values if value not in MAINTENANCE_CATEGORIES)


def reference_in(name: Any) -> str | None:
    match = _REFERENCE.search(str(name or ""))
    return match.group(1) if match else None


def _directive_task(model: str, values: dict[str, Any]) -> bool:
    """Store directives' tasks carry the store field too, but they are directives, not incidents."""
    from apps.directives.conf import PROJECT

    return model == "project.task" and m2o_name(values.get("project_id")) == PROJECT


def incidents_project(batch: BatchResult) -> None:
    """The sync's projector: many new records of Odoo are adopted after the page's commit."""
    projection_apply(batch, defer=True)


def projection_apply(batch: BatchResult, *, defer: bool) -> int:
    """Follow Odoo on linked incidents and create the ones Odoo opened for a store: a fixed number of
    statements per batch (one bulk insert, one bulk update, one triage pass over the new titles).
    With `defer`, more than `conf.ADOPT_INLINE_MAX` new records are left to the adoption task.
    Returns the number of incidents created."""
    model = batch.feed.odoo_model
    if model not in TARGETS:
        return 0
    closed_ids = {record.odoo_id for record in batch.closed}
    records = [r for r in (*batch.upserted, *batch.closed) if not _directive_task(model, r.values)]
    if not records:
        return 0
    adoption_lock(batch.feed.pk)
    linked = {incident.odoo_id: incident for incident in
              StoreIncident.objects.filter(odoo_model=model, odoo_id__any_of=[r.odoo_id for r in records])}
    wanted = {ref for r in records if r.odoo_id not in linked and (ref := reference_in(r.values.get("name")))}
    by_reference = {incident.reference: incident for incident in
                    StoreIncident.objects.filter(reference__in=wanted, odoo_model=model, odoo_id__isnull=True)}
    now = timezone.now()
    new: list[MirrorRecord] = []
    followed: list[StoreIncident] = []
    changes: list[Event] = []
    dirty: set[str] = set()
    for record in records:
        incident = linked.get(record.odoo_id) or by_reference.get(reference_in(record.values.get("name")) or "")
        closed = record.odoo_id in closed_ids
        if incident is None:
            if not closed and record.store_id is not None:
                new.append(record)
            continue
        from_status = incident.status
        changed = _follow(incident, model, record, closed=closed, now=now)
        if changed:
            dirty.update(changed)
            followed.append(incident)
            changes.append(IncidentStatusChanged(incident=incident, from_status=from_status) if "status" in changed
                           else IncidentUpdated(incident=incident, fields=tuple(changed)))
    if followed:
        rows_update(followed, [*dirty, "odoo_synced_at", "updated_at"])
    for change in changes:
        events.emit(change)
    if defer and len(new) > conf.ADOPT_INLINE_MAX:
        _adoption_defer(batch.feed.pk, [record.odoo_id for record in new])
        return 0
    created = _incidents_from_odoo(model, new, now=now)
    for incident in created:
        events.emit(IncidentReported(incident=incident))
    return len(created)


_ADOPTION_LOCK = 0x1C1D  # the advisory-lock class of incident adoption (the second key is the feed)


def adoption_lock(feed_id: int) -> None:
    """Adoptions of one feed, and its sync pages' projection, take turns until their transaction ends:
    two of them must not both find a record without its incident and both create it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ADOPTION_LOCK, feed_id])


def _adoption_defer(feed_id: int, odoo_ids: list[int]) -> None:
    """The adoption task, sent once the page is committed. Lost (no broker at that moment, a worker
    killed), the periodic sweep adopts the records instead: the open mirror rows without an incident are
    the durable to-do list."""
    from apps.incidents.tasks import adopt_odoo_incidents

    transaction.on_commit(lambda: adopt_odoo_incidents.delay(feed_id, odoo_ids), robust=True)


def _follow(incident: StoreIncident, model: str, record: MirrorRecord, *, closed: bool, now: datetime) -> list[str]:
    """Bring the incident in line with Odoo, the system of record; returns the fields changed (the
    caller writes the batch). A record that left the feed for a reason its fields do not show (a
    changed domain) counts as resolved."""
    changes: dict[str, Any] = mirror_fields(model, record.values)
    status = status_from_values(model, record.values, deleted=closed and record.close_reason == DELETED)
    if closed and status in OPEN_STATUSES:
        status = IncidentStatus.RESOLVED
    if incident.status == IncidentStatus.CLOSED and incident.closed_reason == "duplicate" and status in OPEN_STATUSES:
        status = IncidentStatus.CLOSED  # the portal closed it; Odoo has not caught up yet
    if (incident.reopened_at and status not in OPEN_STATUSES and incident.status in OPEN_STATUSES
            and record.odoo_write_date and record.odoo_write_date < incident.reopened_at):
        status = incident.status  # the store reopened it ("Fixed?" no); Odoo has not caught up yet
    changes["status"] = status
    changes["odoo_id"] = record.odoo_id
    if status in OPEN_STATUSES:
        changes["closed_at"] = None
        changes["fix_confirmed_at"] = None  # open again: the next closure asks "Fixed?" again
    elif incident.closed_at is None:
        changes["closed_at"] = now
    dirty = [name for name, value in changes.items() if getattr(incident, name) != value]
    for name in dirty:
        setattr(incident, name, changes[name])
    if dirty:
        incident.odoo_synced_at = incident.updated_at = now  # bulk_update does not apply auto_now
    return dirty


_KEYWORDS = {category: set(re.findall(r"[a-z]{4,}", EXAMPLES[Category(category)].lower()))
             for category in OTHER_CATEGORIES}


def _keyword_guess(title: str) -> str:
    words = set(re.findall(r"[a-z]{4,}", title.lower()))
    return max(OTHER_CATEGORIES, key=lambda category: len(words & _KEYWORDS[category]))


def _triage_guesses(titles: list[str]) -> list[tuple[str, float | None]]:
    """A category for each task created in Odoo, from the local model only if it is already trained,
    in one pass over the batch: this runs inside a sync page's or an adoption's transaction, which must
    never wait for training or an HTTP service (nor start it: the report form or `manage.py
    triage_train` do). Until the model is ready, the taxonomy's example words give a rough guess,
    flagged for a person."""
    from apps.incidents.triage.classifier import model_if_ready

    if not titles:
        return []
    model = model_if_ready()
    if model is None:
        return [(_keyword_guess(title), None) for title in titles]
    return [(category, confidence) for category, confidence in model.categorize(titles, categories=OTHER_CATEGORIES)]


def _incidents_from_odoo(model: str, records: list[MirrorRecord], *, now: datetime) -> list[StoreIncident]:
    """Incidents for records Odoo opened for a store, inserted in one statement."""
    if not records:
        return []
    titles = [str(r.values.get("name") or f"{model} {r.odoo_id}")[:120] for r in records]
    ruled = [category_guess(model, r.values) for r in records]
    guesses = iter(_triage_guesses([title for title, category in zip(titles, ruled, strict=True) if not category]))
    rows: list[dict[str, Any]] = []
    for record, title, category in zip(records, titles, ruled, strict=True):
        confidence: float | None = 1.0
        if not category:
            category, confidence = next(guesses)
        confidence = confidence if confidence is not None else 0.0
        values = record.values
        urgency = urgency_guess(model, values)
        assert record.store_id is not None
        rows.append({
            "reference": f"{_PREFIX.get(model, 'ODOO')}-{record.odoo_id}", "store_id": record.store_id,
            "created_at": record.first_seen_at,
            "source": IncidentSource.ODOO, "category": category, "urgency": urgency, "title": title,
            "status": status_from_values(model, values), "odoo_model": model, "odoo_id": record.odoo_id,
            "deadline": sla_deadline(record.first_seen_at, urgency), "odoo_synced_at": now,
            "needs_manual_triage": confidence < conf.TRIAGE_MIN_CONFIDENCE, "triage_confidence": confidence,
            **mirror_fields(model, values)})
    return rows_insert(instances_new(StoreIncident, rows))

