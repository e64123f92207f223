"""The two-way thread: what Odoo's chatter says about an incident comes back into the portal.

Technicians and HQ answer in Odoo (a message, a logged note); moving the record to another stage adds
a tracking notification. A periodic pull reads the newer `mail.message` rows of the incidents' Odoo
records (message ids only grow: one cursor per model, read again a little behind itself because a
slow Odoo transaction can commit a lower id after a higher one) and mirrors them as `IncidentMessage`
rows: comments and notes with their author and sanitised HTML, stage changes as status lines. The
portal's own notes (a store's comments, overrides, "Fixed?") carry a "Control Tower" marker and are
left out: the thread shows them from the portal's own rows.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import nh3
from django.db import transaction
from django.utils import timezone

from apps import events
from apps.events.types import IncidentThreadReplied
from apps.incidents import conf
from apps.incidents.models import (
    OPEN_STATUSES,
    IncidentComment,
    IncidentMessage,
    StoreIncident,
    ThreadCursor,
    ThreadEntryKind,
)
from apps.incidents.odoo_records import TARGETS
from apps.odoo_gateway import OdooAccessDenied, OdooGateway, m2o_name, parse_odoo_datetime_or_none

logger = logging.getLogger(__name__)
REREAD = 20  # ids read again behind the cursor (late commits); duplicates are ignored by the unique key
BATCH = 200
PORTAL_MARKER = re.compile(r"Control Tower (comment|override|fixed|reopen) ")
ALLOWED_TAGS = {"p", "br", "b", "strong", "i", "em", "u", "s", "ul", "ol", "li", "blockquote", "a", "span",
                "div", "pre", "code"}
MESSAGE_FIELDS = ["body", "author_id", "message_type", "subtype_id", "date", "tracking_value_ids"]


def body_clean(html: str) -> str:
    """Odoo's HTML reduced to text formatting and safe links (no script, style, images or handlers)."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={"a": {"href"}}, link_rel="noopener noreferrer",
                     url_schemes={"http", "https", "mailto"}).strip()


def author_label(author: Any) -> str:
    """Odoo names a company's contact "Company, Person": the store wants the person."""
    name = m2o_name(author) or ""
    return (name.rsplit(", ", 1)[-1] if ", " in name else name)[:150] or "Odoo"


def _followed(model: str, since_days: int) -> dict[int, StoreIncident]:
    """The incidents whose chatter is worth reading: open ones, and those closed recently (their
    closing message and any answer to "Fixed?")."""
    recent = timezone.now() - timedelta(days=since_days)
    incidents = StoreIncident.objects.filter(odoo_model=model, odoo_id__isnull=False)
    incidents = incidents.filter(status__in=OPEN_STATUSES) | incidents.filter(closed_at__gte=recent)
    return {incident.odoo_id: incident for incident in incidents if incident.odoo_id}


def _status_lines(gateway: OdooGateway, messages: list[dict[str, Any]]) -> dict[int, str]:
    """"Stage: Old → New" per tracking value id. The integration user may not read tracking values
    (administrators only in Odoo): the line then just says the status changed."""
    ids = [tid for message in messages for tid in message.get("tracking_value_ids") or []]
    if not ids:
        return {}
    try:
        rows = gateway.read("mail.tracking.value", ids, ["field_id", "old_value_char", "new_value_char"])
    except OdooAccessDenied:
        return {}
    lines = {}
    for row in rows:
        label = m2o_name(row.get("field_id")) or "Status"
        label = label.split(" (")[0]  # "Stage (maintenance.request)" on some versions
        old, new = row.get("old_value_char") or "—", row.get("new_value_char") or "—"
        lines[int(row["id"])] = f"{label}: {old} → {new}"
    return lines


def _entry(incident: StoreIncident, message: dict[str, Any], status_lines: dict[int, str],
           portal_ids: set[int]) -> IncidentMessage | None:
    """The thread entry of one Odoo message, or None when it is the portal's own or says nothing."""
    if message["id"] in portal_ids:
        return None
    body = str(message.get("body") or "")
    if PORTAL_MARKER.search(body):
        return None
    posted = parse_odoo_datetime_or_none(message.get("date")) or timezone.now()
    author = author_label(message.get("author_id"))
    tracking = [status_lines[tid] for tid in message.get("tracking_value_ids") or [] if tid in status_lines]
    if message.get("message_type") == "notification":
        if not message.get("tracking_value_ids"):
            return None  # Odoo's own notices (created, followers): not part of the conversation
        text = "; ".join(tracking) or f"{m2o_name(message.get('subtype_id')) or 'Status changed'}"
        return IncidentMessage(incident=incident, odoo_message_id=message["id"], kind=ThreadEntryKind.STATUS,
                               author_name=author, status_text=text[:250], posted_at=posted)
    if message.get("message_type") != "comment":
        return None
    note = (m2o_name(message.get("subtype_id")) or "") == "Note"
    if note and not conf.THREAD_NOTES:
        return None
    clean = body_clean(body)
    if not clean:
        return None
    return IncidentMessage(incident=incident, odoo_message_id=message["id"], author_name=author, body_html=clean,
                           kind=ThreadEntryKind.NOTE if note else ThreadEntryKind.COMMENT, posted_at=posted)


def model_thread_pull(gateway: OdooGateway, model: str) -> int:
    """Read the newer chatter of one model's followed incidents; returns the entries added."""
    followed = _followed(model, conf.THREAD_FOLLOW_CLOSED_DAYS)
    if not followed:
        return 0
    cursor, _ = ThreadCursor.objects.get_or_create(odoo_model=model)
    base = [["model", "=", model], ["res_id", "in", sorted(followed)],
            ["message_type", "in", ["comment", "notification"]]]
    added, last = 0, cursor.last_message_id
    start = max(0, last - REREAD)
    while True:
        messages = gateway.search_read("mail.message", [*base, ["id", ">", start]], [*MESSAGE_FIELDS, "res_id"],
                                       order="id asc", limit=BATCH)
        added += _store(gateway, model, followed, messages)
        if messages:
            start = max(int(m["id"]) for m in messages)
            last = max(last, start)
        if len(messages) < BATCH:
            break
    ThreadCursor.objects.filter(pk=cursor.pk).update(last_message_id=last, updated_at=timezone.now())
    return added


@transaction.atomic
def _store(gateway: OdooGateway, model: str, followed: dict[int, StoreIncident],
           messages: list[dict[str, Any]]) -> int:
    if not messages:
        return 0
    portal_ids: set[int] = set(IncidentComment.objects.filter(incident__odoo_model=model, odoo_message_id__in=[
        m["id"] for m in messages]).exclude(odoo_message_id=None).values_list("odoo_message_id", flat=True))  # type: ignore[arg-type]
    known = set(IncidentMessage.objects.filter(incident__odoo_model=model, odoo_message_id__in=[
        m["id"] for m in messages]).values_list("odoo_message_id", flat=True))
    fresh = [m for m in messages if m["id"] not in known]
    lines = _status_lines(gateway, fresh)
    entries = [entry for m in fresh if (incident := followed.get(int(m.get("res_id") or 0)))
               and (entry := _entry(incident, m, lines, portal_ids))]
    IncidentMessage.objects.bulk_create(entries, ignore_conflicts=True)
    by_incident: dict[int, list[IncidentMessage]] = {}
    for entry in entries:
        by_incident.setdefault(entry.incident_id, []).append(entry)
    with events.batched():  # one live pass for the whole page of messages
        for group in by_incident.values():
            events.emit(IncidentThreadReplied(incident=group[0].incident, messages=tuple(group)))
    return len(entries)


def threads_pull(gateway: OdooGateway) -> int:
    """One pass over every incident model (maintenance requests, tasks, tickets)."""
    added = 0
    for model in TARGETS:
        if StoreIncident.objects.filter(odoo_model=model, odoo_id__isnull=False).exists():
            added += model_thread_pull(gateway, model)
    return added
