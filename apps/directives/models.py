"""Store directives: work HQ or a region sends down to stores, the stores' proof, and the review.

A `Directive` is written once (title, sanitised instructions, attachments, checklist items, targets,
a due time read in each store's own time zone, an optional launch time). Publishing it makes one
`StoreDirective` per targeted store — the store's copy, which carries that store's due and launch
moments — and in Odoo one task per store with one subtask per item. A store answers each item
(`ItemAnswer`); the region approves or returns each answer; the copy is ready when every answer is
approved.
"""

from __future__ import annotations

import secrets
import uuid
import zoneinfo
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisation.scope import ScopedQuerySet


class DirectiveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class TargetMode(models.TextChoices):
    ALL = "all", _("Every store")
    REGIONS = "regions", _("Stores of some regions")
    STORES = "stores", _("A list of stores")
    GROUPS = "groups", _("Store groups")


class ItemKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo required")


class Directive(models.Model):
    """One piece of work sent to stores. Editable while a draft, or published but not yet started by any
    store (a started store has answered against the items as they were)."""

    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), blank=True,
                                    help_text=_("Sanitised HTML (see apps.directives.richtext)."))
    status = models.CharField(_("status"), max_length=12, choices=DirectiveStatus.choices,
                              default=DirectiveStatus.DRAFT, db_index=True)
    # Who owns it: HQ (no region) or a regional manager for their region only.
    owner_region = models.ForeignKey("organisation.Region", verbose_name=_("owner region"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    target_mode = models.CharField(_("target mode"), max_length=12, choices=TargetMode.choices, default=TargetMode.ALL)
    target_regions = models.ManyToManyField("organisation.Region", verbose_name=_("target regions"), blank=True,
                                            related_name="+")
    target_stores = models.ManyToManyField("organisation.Store", verbose_name=_("target stores"), blank=True,
                                           related_name="+")
    target_groups = models.ManyToManyField("organisation.StoreGroup", verbose_name=_("target groups"), blank=True,
                                           related_name="+")
    due_on = models.DateField(_("due on"), help_text=_("The day it is due, in each store's own time zone."))
    due_time = models.TimeField(_("due time"), default=time(9, 0))
    launch_on = models.DateField(_("launch on"), null=True, blank=True,
                                 help_text=_("Must be ready before (each store's time zone)."))
    launch_time = models.TimeField(_("launch time"), null=True, blank=True)
    template = models.ForeignKey("DirectiveTemplate", verbose_name=_("template"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="directives")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("directives:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"DIR-{self.pk}"

    def due_at_for(self, tz_name: str) -> datetime:
        return local_moment(self.due_on, self.due_time, tz_name)

    def launch_at_for(self, tz_name: str) -> datetime | None:
        if self.launch_on is None:
            return None
        return local_moment(self.launch_on, self.launch_time or time(0, 0), tz_name)

    def snapshot(self) -> dict[str, Any]:
        """What an audit event records before and after a change."""
        return {"title": self.title, "status": self.status, "target_mode": self.target_mode,
                "due": f"{self.due_on} {self.due_time}", "launch": f"{self.launch_on} {self.launch_time}"
                if self.launch_on else None, "items": [f"{i.kind}:{i.label}" for i in self.items.all()],
                "regions": sorted(r.code for r in self.target_regions.all()),
                "stores": sorted(s.code for s in self.target_stores.all()),
                "groups": sorted(g.name for g in self.target_groups.all())}


def local_moment(day: date, at: time, tz_name: str) -> datetime:
    """A wall-clock time in a store's time zone as an aware moment (09:00 in Lisbon ≠ 09:00 in Athens)."""
    return datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(tz_name))


class ChecklistItem(models.Model):
    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("label"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=ItemKind.choices, default=ItemKind.YES_NO)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.label


def attachment_path(instance: DirectiveAttachment, filename: str) -> str:
    return f"directives/attachments/{instance.pk.hex}"


class DirectiveAttachment(models.Model):
    """A planogram PDF or an image HQ attaches; served only after the scope check."""

    id = models.UUIDField(_("id"), primary_key=True, default=uuid.uuid4, editable=False)
    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=64)
    size_bytes = models.PositiveIntegerField(_("size bytes"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("directive attachment")
        verbose_name_plural = _("directive attachments")

    def __str__(self) -> str:
        return self.name


class CopyStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for rework")
    APPROVED = "approved", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_COPY_STATUSES = (CopyStatus.NOT_STARTED, CopyStatus.IN_PROGRESS, CopyStatus.RETURNED, CopyStatus.IN_REVIEW)
WORKABLE_STATUSES = (CopyStatus.NOT_STARTED, CopyStatus.IN_PROGRESS, CopyStatus.RETURNED)


class StoreDirectiveQuerySet(ScopedQuerySet["StoreDirective"]):
    pass


def new_copy_key() -> str:
    """Random, not the row id: a portal database restored or rebuilt against the same Odoo never finds
    another portal's task as its own."""
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))


class StoreDirective(models.Model):
    """One store's copy of a published directive: its own due and launch moments, its progress and its
    task in Odoo."""

    key = models.CharField(_("key"), max_length=16, unique=True, default=new_copy_key, editable=False)
    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="copies")
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="directives")
    status = models.CharField(_("status"), max_length=12, choices=CopyStatus.choices, default=CopyStatus.NOT_STARTED,
                              db_index=True)
    due_at = models.DateTimeField(_("due at"), db_index=True)
    launch_at = models.DateTimeField(_("launch at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    closed_in_odoo = models.BooleanField(_("closed in odoo"), default=False)
    # Odoo: the store task and its subtasks (item id → subtask id), once the outbox created them.
    odoo_task_id = models.PositiveIntegerField(_("odoo task id"), null=True, blank=True)
    odoo_subtasks = models.JSONField(_("odoo subtasks"), default=dict, blank=True)
    odoo_state = models.CharField(_("odoo state"), max_length=32, blank=True)
    # Follow-up: each step marked once (a second beat run never notifies twice).
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notified at"), null=True, blank=True)
    hq_notified_at = models.DateTimeField(_("hq notified at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StoreDirectiveQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "store__code"]
        constraints = [models.UniqueConstraint(fields=["directive", "store"], name="unique_directive_store")]
        indexes = [models.Index(fields=["store", "status"])]
        verbose_name = _("store directive")
        verbose_name_plural = _("store directives")

    def __str__(self) -> str:
        return f"{self.directive} · {self.store.code}"

    def get_absolute_url(self) -> str:
        return reverse("directives:copy", args=[self.pk])

    @property
    def reference(self) -> str:
        """Put in the Odoo task's name before it is created: a retried create finds the task."""
        return f"CT-DIR-{self.key}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COPY_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == CopyStatus.APPROVED

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status in WORKABLE_STATUSES and self.due_at < (now or timezone.now())

    @property
    def on_time(self) -> bool | None:
        """Done by the due time: the approved round was submitted on or before it."""
        if not self.is_ready:
            return None
        return bool(self.submitted_at and self.submitted_at <= self.due_at)

    def snapshot(self) -> dict[str, Any]:
        return {"status": self.status, "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
                "approved_at": self.approved_at.isoformat() if self.approved_at else None}


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


def answer_photo_path(instance: ItemAnswer, filename: str) -> str:
    return f"directives/photos/{instance.photo_key.hex}.jpg"


class ItemAnswerQuerySet(ScopedQuerySet["ItemAnswer"]):
    store_field = "copy__store"


class ItemAnswer(models.Model):
    """A store's answer to one checklist item (redone in place when returned; each round audited)."""

    copy = models.ForeignKey(StoreDirective, verbose_name=_("copy"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="answers")
    value_bool = models.BooleanField(_("value bool"), null=True, blank=True)
    value_number = models.DecimalField(_("value number"), max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(_("value text"), blank=True)
    photo_key = models.UUIDField(_("photo key"), default=uuid.uuid4, unique=True, editable=False)
    photo = models.FileField(_("photo"), upload_to=answer_photo_path, max_length=200, blank=True)
    photo_name = models.CharField(_("photo name"), max_length=120, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    review_status = models.CharField(_("review status"), max_length=10, choices=ReviewStatus.choices,
                                     default=ReviewStatus.PENDING)
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    odoo_attachment_id = models.PositiveIntegerField(_("odoo attachment id"), null=True, blank=True)

    objects = ItemAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["item__position", "item_id"]
        constraints = [models.UniqueConstraint(fields=["copy", "item"], name="unique_answer_per_item")]
        verbose_name = _("item answer")
        verbose_name_plural = _("item answers")

    def __str__(self) -> str:
        return f"{self.copy} · {self.item}"

    @property
    def display(self) -> str:
        """The answer in words (what Odoo's subtask description and the review grid show)."""
        kind = self.item.kind
        if kind == ItemKind.YES_NO:
            return "Yes" if self.value_bool else "No"
        if kind == ItemKind.NUMBER:
            return "" if self.value_number is None else f"{self.value_number.normalize():f}"
        if kind == ItemKind.PHOTO:
            return self.value_text or "Photo taken"
        return self.value_text

    @property
    def odoo_photo_name(self) -> str:
        """Unique per answer round, so a retried upload finds the first one."""
        return f"{self.copy.reference}-item{self.item_id}-r{self.revision}.jpg"


class Schedule(models.TextChoices):
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")


class DirectiveTemplate(models.Model):
    """Recurring work (a daily opening checklist, a weekly hygiene audit): a scheduled run publishes the
    day's directive from it, once per day."""

    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=120)
    instructions = models.TextField(_("instructions"), blank=True)
    items = models.JSONField(_("items"), default=list, help_text=_('[{"label": "Doors open", "kind": "yes_no"}, ...]'))
    target_mode = models.CharField(_("target mode"), max_length=12, choices=TargetMode.choices, default=TargetMode.ALL)
    target_regions = models.ManyToManyField("organisation.Region", verbose_name=_("target regions"), blank=True,
                                            related_name="+")
    target_stores = models.ManyToManyField("organisation.Store", verbose_name=_("target stores"), blank=True,
                                           related_name="+")
    target_groups = models.ManyToManyField("organisation.StoreGroup", verbose_name=_("target groups"), blank=True,
                                           related_name="+")
    owner_region = models.ForeignKey("organisation.Region", verbose_name=_("owner region"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    schedule = models.CharField(_("schedule"), max_length=8, choices=Schedule.choices, default=Schedule.DAILY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), default=0, help_text=_("Weekly: 0 Monday … 6 Sunday."))
    due_time = models.TimeField(_("due time"), default=time(9, 0))
    active = models.BooleanField(_("active"), default=True)
    last_run_on = models.DateField(_("last run on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("directive template")
        verbose_name_plural = _("directive templates")

    def __str__(self) -> str:
        return self.name

    def runs_on(self, day: date) -> bool:
        return self.schedule == Schedule.DAILY or day.weekday() == self.weekday


class ReadinessSummary(models.Model):
    """A generated readiness text, logged with the figures it was built from (like triage suggestions):
    every sentence can be traced to a figure. It never completes, approves or closes anything."""

    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="summaries")
    region = models.ForeignKey("organisation.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    generator = models.CharField(_("generator"), max_length=32)
    text = models.TextField(_("text"))
    figures = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    viewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("viewed by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("readiness summary")
        verbose_name_plural = _("readiness summaries")

    def __str__(self) -> str:
        return f"{self.directive} · {self.generator} · {self.created_at:%Y-%m-%d %H:%M}"
