"""Store incidents: what a store reports, its photos and comments, overrides and messages (triage suggestions
are logged in `apps.incidents.triage.log`)."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.incidents import conf
from apps.incidents.taxonomy import Category, Urgency
from apps.incidents.triage.log import TriageSuggestion  # noqa: F401  one of this app's models
from apps.odoo_gateway.links import odoo_record_url
from apps.organisation.scope import ScopedQuerySet

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud over the phone


REFERENCE_TRIES = 5


def new_reference() -> str:
    """The portal's own reference. It is put on the Odoo record before it is created, so a retried
    create can find the record instead of making a second one."""
    return "CT-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def sla_deadline(start: datetime, urgency: str) -> datetime:
    return start + timedelta(hours=conf.SLA_HOURS[str(urgency)])


class IncidentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IN_ODOO = "in_odoo", _("In Odoo")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    UNDELIVERED = "undelivered", _("Not delivered to Odoo")


OPEN_STATUSES = (IncidentStatus.QUEUED, IncidentStatus.IN_ODOO, IncidentStatus.IN_PROGRESS,
                 IncidentStatus.UNDELIVERED)


class IncidentSource(models.TextChoices):
    PORTAL = "portal", _("Reported in the portal")
    ODOO = "odoo", _("Created in Odoo")


class EscalationTier(models.IntegerChoices):
    NONE = 0, _("Not escalated")
    REGION = 1, _("Escalated to the regional manager")
    HQ = 2, _("Escalated to HQ")


class StoreIncidentQuerySet(ScopedQuerySet["StoreIncident"]):
    def open(self) -> StoreIncidentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: datetime) -> StoreIncidentQuerySet:
        return self.open().filter(deadline__lt=now)


class StoreIncident(models.Model):
    """Something broken or wrong in a store, followed from the report to its resolution in Odoo.

    It is saved locally first ("queued") so a store gets its confirmation even while Odoo is down;
    the outbox creates it in Odoo, and the mirror brings Odoo's stage, priority and assignee back.
    """

    reference = models.CharField(_("reference"), max_length=32, unique=True, default=new_reference, editable=False)
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="incidents")
    source = models.CharField(_("source"), max_length=8, choices=IncidentSource.choices, default=IncidentSource.PORTAL)
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    urgency = models.CharField(_("urgency"), max_length=12, choices=Urgency.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    equipment_ref = models.CharField("equipment or product reference", max_length=80, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.QUEUED)
    # Odoo: the model is chosen at submission, the id arrives once the outbox created the record.
    odoo_model = models.CharField(_("odoo model"), max_length=64, blank=True)
    odoo_id = models.PositiveIntegerField(_("odoo id"), null=True, blank=True)
    odoo_name = models.CharField(_("odoo name"), max_length=200, blank=True)
    odoo_stage = models.CharField(_("odoo stage"), max_length=100, blank=True)
    odoo_state = models.CharField(_("odoo state"), max_length=32, blank=True)
    odoo_priority = models.CharField(_("odoo priority"), max_length=8, blank=True)
    odoo_assignee = models.CharField(_("odoo assignee"), max_length=150, blank=True)
    odoo_team = models.CharField(_("odoo team"), max_length=150, blank=True)
    odoo_synced_at = models.DateTimeField(_("odoo synced at"), null=True, blank=True)
    # Follow-up.
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    escalation_tier = models.PositiveSmallIntegerField(_("escalation tier"), choices=EscalationTier.choices,
                                                       default=EscalationTier.NONE)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("duplicate of"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    closed_reason = models.CharField(_("closed reason"), max_length=32, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Triage.
    needs_manual_triage = models.BooleanField(_("needs manual triage"), default=False)
    triage_confidence = models.FloatField(_("triage confidence"), null=True, blank=True)
    # The phone's own key for a report (made before it is first sent): a resend is the same incident.
    client_key = models.CharField(_("client key"), max_length=64, blank=True)
    # "Fixed?": the store confirms Odoo's closure, or reopens it with a reason.
    fix_confirmed_at = models.DateTimeField(_("fix confirmed at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StoreIncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["odoo_model", "odoo_id"], condition=models.Q(odoo_id__isnull=False),
                                    name="unique_incident_odoo_record"),
            models.UniqueConstraint(fields=["store", "submitted_by", "client_key"],
                                    condition=~models.Q(client_key=""), name="unique_incident_client_key"),
        ]
        # Status without the pattern index a `db_index` adds (status is never searched by prefix); the
        # incidents waiting for a person's triage by a partial index (the rest, nearly all, are not in it).
        indexes = [models.Index(fields=["store", "status"]), models.Index(fields=["status"], name="incident_status"),
                   models.Index(fields=["needs_manual_triage"], name="incident_manual_triage",
                                condition=models.Q(needs_manual_triage=True))]
        verbose_name = _("store incident")
        verbose_name_plural = _("store incidents")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new incident's reference is random (32^8 values): should it collide with an existing one,
        a fresh one is drawn inside a savepoint, so a report is never refused with a server error."""
        if not self._state.adding:
            return super().save(*args, **kwargs)
        for attempt in range(REFERENCE_TRIES):
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                taken = StoreIncident.objects.filter(reference=self.reference).exists()
                if not taken or attempt == REFERENCE_TRIES - 1:
                    raise
                self.reference = new_reference()

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def odoo_url(self) -> str:
        return odoo_record_url(self.odoo_model, self.odoo_id)

    @property
    def odoo_priority_label(self) -> str:
        from apps.incidents.odoo_records import TARGETS

        target = TARGETS.get(self.odoo_model)
        return target.priority_label(self.odoo_priority) if target and self.odoo_priority else ""

    @property
    def status_words(self) -> str:
        """Where it stands, in the store's words (see `wording`)."""
        from apps.incidents.wording import status_words

        return status_words(self)

    @property
    def urgency_words(self) -> str:
        """The urgency now, Odoo's priority read through the one mapping (see `wording`)."""
        from apps.incidents.wording import urgency_now, urgency_words

        return urgency_words(urgency_now(self))

    def photo_room(self) -> int:
        """Photos a comment may still add: checked before any upload is decoded."""
        return max(0, conf.MAX_PHOTOS - self.photos.count())

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.is_open and self.deadline < (now or timezone.now())

    def snapshot(self) -> dict[str, Any]:
        """What an audit event records before and after a change."""
        return {"status": self.status, "category": self.category, "urgency": self.urgency,
                "deadline": self.deadline.isoformat() if self.deadline else None, "odoo_team": self.odoo_team,
                "escalation_tier": self.escalation_tier, "needs_manual_triage": self.needs_manual_triage}


def photo_path(instance: IncidentPhoto, filename: str) -> str:
    """A random name: nothing about the store, the incident or the upload can be guessed from it."""
    return f"incidents/photos/{instance.pk.hex}.jpg"


class IncidentPhotoQuerySet(ScopedQuerySet["IncidentPhoto"]):
    store_field = "incident__store"


class IncidentPhoto(models.Model):
    """A photo, re-encoded as JPEG without metadata; only served through a permission-checked view."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(StoreIncident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="photos")
    comment = models.ForeignKey("IncidentComment", verbose_name=_("comment"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="photos")
    file = models.FileField(_("file"), upload_to=photo_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=120, blank=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size_bytes = models.PositiveIntegerField(_("size bytes"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    odoo_attachment_id = models.PositiveIntegerField(_("odoo attachment id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = IncidentPhotoQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("incident photo")
        verbose_name_plural = _("incident photos")

    def __str__(self) -> str:
        return f"{self.incident.reference} photo {self.pk.hex[:8]}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:photo", args=[self.pk])

    @property
    def odoo_name(self) -> str:
        """The attachment's name in Odoo; unique per photo, so a retried upload finds the first one."""
        return f"{self.incident.reference}-{self.pk.hex[:12]}.jpg"


class IncidentCommentQuerySet(ScopedQuerySet["IncidentComment"]):
    store_field = "incident__store"


class IncidentComment(models.Model):
    """A note added by the store (or its region) to an open incident; posted to the Odoo chatter."""

    incident = models.ForeignKey(StoreIncident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    body = models.TextField(_("body"), blank=True)
    writeback = models.ForeignKey("writeback.WriteBack", verbose_name=_("writeback"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    odoo_message_id = models.PositiveIntegerField(_("odoo message id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = IncidentCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("incident comment")
        verbose_name_plural = _("incident comments")

    def __str__(self) -> str:
        return f"{self.incident.reference} comment {self.pk}"


class OverrideKind(models.TextChoices):
    REPRIORITISE = "reprioritise", _("Reprioritise")
    REASSIGN_TEAM = "reassign_team", _("Reassign team")
    EXTEND_DEADLINE = "extend_deadline", _("Extend the deadline")
    CLOSE_DUPLICATE = "close_duplicate", _("Close as duplicate")
    CONFIRM_FIXED = "confirm_fixed", _("Confirmed fixed by the store")
    REOPEN = "reopen", _("Reopened by the store")


REGIONAL_OVERRIDES = (OverrideKind.REPRIORITISE, OverrideKind.REASSIGN_TEAM, OverrideKind.EXTEND_DEADLINE,
                      OverrideKind.CLOSE_DUPLICATE)


class IncidentOverride(models.Model):
    """A regional or HQ decision that changes an incident, with the reason; written back to Odoo."""

    incident = models.ForeignKey(StoreIncident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="overrides")
    kind = models.CharField(_("kind"), max_length=24, choices=OverrideKind.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, on_delete=models.SET_NULL,
                              related_name="+")
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    writeback = models.ForeignKey("writeback.WriteBack", verbose_name=_("writeback"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("incident override")
        verbose_name_plural = _("incident overrides")

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.get_kind_display()}"


class ThreadEntryKind(models.TextChoices):
    COMMENT = "comment", _("Message")
    NOTE = "note", _("Note")
    STATUS = "status", _("Status")


class IncidentMessageQuerySet(ScopedQuerySet["IncidentMessage"]):
    store_field = "incident__store"


class IncidentMessage(models.Model):
    """A message of the incident's Odoo chatter (a technician's or HQ's comment, or a stage change),
    mirrored into the portal's thread. The body is sanitised HTML: Odoo's HTML is never trusted."""

    incident = models.ForeignKey(StoreIncident, verbose_name=_("incident"), on_delete=models.CASCADE,
                                 related_name="thread_messages")
    odoo_message_id = models.PositiveIntegerField(_("odoo message id"))
    kind = models.CharField(_("kind"), max_length=8, choices=ThreadEntryKind.choices)
    author_name = models.CharField(_("author name"), max_length=150, blank=True)
    body_html = models.TextField(_("body html"), blank=True)
    status_text = models.CharField(_("status text"), max_length=250, blank=True)
    posted_at = models.DateTimeField(_("posted at"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = IncidentMessageQuerySet.as_manager()

    class Meta:
        ordering = ["posted_at", "odoo_message_id"]
        constraints = [models.UniqueConstraint(fields=["incident", "odoo_message_id"],
                                               name="unique_incident_odoo_message")]
        verbose_name = _("incident message")
        verbose_name_plural = _("incident messages")

    def __str__(self) -> str:
        return f"{self.incident.reference} message {self.odoo_message_id}"


class ThreadCursor(models.Model):
    """How far the chatter of one Odoo model has been read (message ids only grow)."""

    odoo_model = models.CharField(_("odoo model"), max_length=64, unique=True)
    last_message_id = models.PositiveIntegerField(_("last message id"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("thread cursor")
        verbose_name_plural = _("thread cursors")

    def __str__(self) -> str:
        return f"{self.odoo_model} > {self.last_message_id}"
