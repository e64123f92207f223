"""Writes for store incidents: reporting one, logging triage suggestions, comments and photos.

Overrides and SLA escalation are in `followup.py`; what reaches Odoo, and how, is in `apps/incidents/executors.py`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps import events
from apps.audit.services import audit_record
from apps.events.types import IncidentCommented, IncidentReported
from apps.incidents import conf
from apps.incidents.executors import KIND_CREATE, create_key, note_enqueue
from apps.incidents.models import IncidentComment, IncidentPhoto, StoreIncident, TriageSuggestion, sla_deadline
from apps.incidents.odoo_records import odoo_model_for
from apps.incidents.photos import CleanPhoto
from apps.incidents.triage.providers import triage_text
from apps.organisation.roles import Action
from apps.organisation.scope import can
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from apps.organisation.models import Store

SUGGESTION_REUSE = timedelta(hours=1)


@dataclass(frozen=True)
class IncidentReport:
    """What a store sent, checked by the form. Empty category or urgency: take the suggestion."""

    store: Store
    title: str
    description: str = ""
    equipment_ref: str = ""
    category: str = ""
    urgency: str = ""
    photos: list[CleanPhoto] = field(default_factory=list)
    suggestion_id: int | None = None
    client_key: str = ""  # made by the phone before the first try: a resend is the same report

    @property
    def text(self) -> str:
        return incident_text(self.title, self.description)


def incident_text(title: str, description: str) -> str:
    return f"{title.strip()}\n{description.strip()}".strip()


def text_hash(text: str) -> str:
    """The suggestion log keeps this, not the text: enough to tell whether a suggestion was for the
    final words, without a second copy of what a store wrote."""
    normalised = " ".join(text.lower().split())
    return hashlib.sha256(normalised.encode()).hexdigest()


def triage_suggest(*, user: User, text: str, store: Store | None = None) -> TriageSuggestion:
    """Ask the provider and log what it suggested. Not atomic on purpose: the provider may be a slow
    HTTP service, and no database lock is held while it thinks. The same text from the same person
    within the hour reuses the logged suggestion (typing pauses repeat themselves)."""
    digest = text_hash(text)
    recent = (TriageSuggestion.objects.filter(user=user, input_hash=digest, incident__isnull=True, manual=False,
                                              provider=conf.TRIAGE_PROVIDER,
                                              created_at__gte=timezone.now() - SUGGESTION_REUSE)
              .order_by("-created_at").first())
    if recent is not None:
        return recent
    suggestion = triage_text(text)
    return TriageSuggestion.objects.create(
        user=user, store=store, provider=suggestion.provider, model_version=suggestion.model_version,
        input_hash=digest, category=suggestion.category, category_confidence=suggestion.category_confidence,
        urgency=suggestion.urgency, urgency_confidence=suggestion.urgency_confidence, why=list(suggestion.why),
        manual=suggestion.manual, error=suggestion.error)


def _suggestion_for(user: User, report: IncidentReport) -> TriageSuggestion:
    """The suggestion the person saw, when it was for these very words; otherwise a fresh one."""
    if report.suggestion_id:
        seen = TriageSuggestion.objects.filter(pk=report.suggestion_id, user=user, incident__isnull=True).first()
        if seen is not None and seen.input_hash == text_hash(report.text):
            return seen
    return triage_suggest(user=user, text=report.text, store=report.store)


def incident_submit(*, user: User, report: IncidentReport, request: HttpRequest | None = None) -> StoreIncident:
    """Report an incident: triage (outside the transaction), then save it locally with its photos, its
    audit event and its outbox row in one transaction. The store gets its confirmation at once, even
    while Odoo is down; the outbox creates it in Odoo when it can."""
    if not can(user, Action.OPERATE, report.store):
        raise PermissionDenied(gettext("You cannot report incidents for %(store)s.") % {"store": report.store})
    sent_before = _sent_before(user, report)
    if sent_before is not None:
        return sent_before
    if len(report.photos) > conf.MAX_PHOTOS:
        raise ValidationError({"photos": f"Add at most {conf.MAX_PHOTOS} photos."})
    suggestion = _suggestion_for(user, report)
    category = report.category or suggestion.category
    urgency = report.urgency or suggestion.urgency
    missing = {name: f"Choose {name}: no suggestion is available right now."
               for name, value in (("category", category), ("urgency", urgency)) if not value}
    if missing:
        raise ValidationError(missing)
    try:
        return _incident_save(user=user, report=report, category=category, urgency=urgency, suggestion=suggestion,
                              request=request)
    except IntegrityError:
        sent_before = _sent_before(user, report)  # the same report arrived twice at once: one of them won
        if sent_before is None:
            raise
        return sent_before


def _sent_before(user: User, report: IncidentReport) -> StoreIncident | None:
    """A phone resends a report whose answer it never got (the signal dropped after the upload): the
    person's key for it finds the incident the first try made, so the resend creates nothing."""
    if not report.client_key:
        return None
    return StoreIncident.objects.filter(store=report.store, submitted_by=user, client_key=report.client_key).first()


@transaction.atomic
def _incident_save(*, user: User, report: IncidentReport, category: str, urgency: str,
                   suggestion: TriageSuggestion, request: HttpRequest | None) -> StoreIncident:
    now = timezone.now()
    manual = suggestion.manual or suggestion.confidence < conf.TRIAGE_MIN_CONFIDENCE
    incident = StoreIncident.objects.create(
        store=report.store, category=category, urgency=urgency, title=report.title.strip(),
        description=report.description.strip(), equipment_ref=report.equipment_ref.strip(), submitted_by=user,
        client_key=report.client_key,
        odoo_model=odoo_model_for(category), deadline=sla_deadline(now, urgency), created_at=now,
        needs_manual_triage=manual, triage_confidence=None if suggestion.manual else suggestion.confidence)
    photos = [photo_save(incident=incident, photo=photo, user=user) for photo in report.photos]
    TriageSuggestion.objects.filter(pk=suggestion.pk).update(incident=incident, store=report.store,
                                                             final_category=category, final_urgency=urgency)
    audit_record(action="incident.submitted", target=incident, actor=user, store=incident.store, request=request,
                 after={**incident.snapshot(), "photos": len(photos), "suggestion": suggestion.pk})
    writeback_enqueue(kind=KIND_CREATE, idempotency_key=create_key(incident), odoo_model=incident.odoo_model,
                      odoo_id=None, payload={"incident_id": incident.pk, "photo_ids": [str(p.pk) for p in photos]},
                      store=incident.store, source=incident, created_by=user)
    events.emit(IncidentReported(incident=incident))
    return incident


def photo_save(*, incident: StoreIncident, photo: CleanPhoto, user: User | None,
               comment: IncidentComment | None = None) -> IncidentPhoto:
    """Store the re-encoded bytes under a random name (see `models.photo_path`)."""
    record = IncidentPhoto(incident=incident, comment=comment, original_name=photo.original_name,
                           width=photo.width, height=photo.height, size_bytes=len(photo.content), uploaded_by=user)
    record.file.save("photo.jpg", ContentFile(photo.content), save=False)
    record.save()
    return record


@transaction.atomic
def incident_comment_add(*, incident: StoreIncident, author: User, body: str, photos: list[CleanPhoto],
                         request: HttpRequest | None = None) -> IncidentComment:
    """A store adds a comment or photos to its open incident; they go to the Odoo chatter.

    The incident row is locked so that a comment racing with the incident's creation in Odoo is
    either sent now (the Odoo id is known) or picked up when the creation is recorded.
    """
    if not can(author, Action.OPERATE, incident.store):
        raise PermissionDenied(gettext("You cannot comment on incidents of %(store)s.") % {"store": incident.store})
    incident = StoreIncident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(gettext("This incident is closed: comments can only be added to open incidents."))
    body = body.strip()
    if not body and not photos:
        raise ValidationError(gettext("Write a comment or add a photo."))
    if incident.photos.count() + len(photos) > conf.MAX_PHOTOS:
        raise ValidationError({"photos": f"An incident holds at most {conf.MAX_PHOTOS} photos."})
    comment = IncidentComment.objects.create(incident=incident, author=author, body=body)
    for photo in photos:
        photo_save(incident=incident, photo=photo, user=author, comment=comment)
    audit_record(action="incident.commented", target=incident, actor=author, store=incident.store, request=request,
                 after={"comment": comment.pk, "photos": len(photos)}, message=body[:500])
    if incident.odoo_id:
        note_enqueue(comment, created_by=author)
    events.emit(IncidentCommented(incident=incident, comment=comment))
    return comment
