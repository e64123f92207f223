"""Operational exceptions: what is going wrong in a store, built from the Odoo mirror.

An `OpsException` is one Odoo record (a counted quant, an orderpoint, a receipt, an activity) whose
condition needs a person. The projector opens it when the condition holds, closes it when Odoo clears
the condition and reopens it when the condition returns; people acknowledge, assign, snooze and
resolve it. Every change is an `ExceptionEvent`, kept for KPIs (time to acknowledge, to resolve,
reopen rates).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.odoo_gateway.links import odoo_record_url
from apps.organisation.scope import ScopedQuerySet
from apps.portal.phrases import Said, stored_text


class ExceptionKind(models.TextChoices):
    COUNT_DISCREPANCY = "count_discrepancy", _("Stock count discrepancy")
    REPLENISHMENT_RISK = "replenishment_risk", _("Replenishment risk")
    NEGATIVE_STOCK = "negative_stock", _("Negative stock")
    LATE_RECEIPT = "late_receipt", _("Late receipt")
    OVERDUE_ACTIVITY = "overdue_activity", _("Overdue activity")
    DIRECTIVE_OVERDUE = "directive_overdue", _("Directive not ready")
    BILL_MISMATCH = "bill_mismatch", _("Supplier bill mismatch")
    UNUSUAL_PATTERN = "unusual_pattern", _("Unusual pattern")


# Kinds a person cannot resolve or snooze here: they close through their own workflow (a directive's
# exception closes only when the region approves the store's completion).
CLOSED_ELSEWHERE = {"directive_overdue": _("It closes when the region approves the store's directive.")}


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class ExceptionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed (cleared in Odoo)")


ACTIVE_STATUSES = (ExceptionStatus.OPEN, ExceptionStatus.ACKNOWLEDGED, ExceptionStatus.SNOOZED)
FINAL_STATUSES = (ExceptionStatus.RESOLVED, ExceptionStatus.CLOSED)


class ExceptionRule(models.Model):
    """How one kind of exception is detected and how urgent it is: tuned by operations in the admin.

    Severity starts at `base_severity`, rises one level every `escalate_every_hours` the condition
    has held, and one (two) levels when the value at risk reaches `value_high` (`value_critical`).
    """

    kind = models.CharField(_("kind"), max_length=32, choices=ExceptionKind.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True,
                                  help_text=_("Off: no new exceptions of this kind are opened."))
    base_severity = models.PositiveSmallIntegerField(_("base severity"), choices=Severity.choices,
                                                     default=Severity.MEDIUM)
    escalate_every_hours = models.PositiveIntegerField(
        _("escalate every hours"), default=24,
        help_text=_("Raise the severity one level per this many hours the condition holds (0: never)."))
    value_high = models.DecimalField(_("value high"), max_digits=12, decimal_places=2, default=Decimal("0"),
                                     help_text=_("Value at risk that adds one level (0: unused)."))
    value_critical = models.DecimalField(_("value critical"), max_digits=12, decimal_places=2, default=Decimal("0"),
                                         help_text=_("Value at risk that adds two levels (0: unused)."))
    min_quantity = models.DecimalField(
        _("min quantity"), max_digits=12, decimal_places=3, default=Decimal("0"),
        help_text=_("Open only when the quantity reaches this (or the value reaches min value); both 0: always."))
    min_value = models.DecimalField(_("min value"), max_digits=12, decimal_places=2, default=Decimal("0"),
                                    help_text=_("Open only when the value at risk reaches this (or the quantity "
                                              "reaches min quantity)."))
    grace_hours = models.PositiveIntegerField(
        _("grace hours"), default=0,
        help_text=_("Late receipts: how long after the scheduled date a receipt counts as late."))
    deadline_hours = models.PositiveIntegerField(_("deadline hours"), default=24,
                                                 help_text=_("Time to resolve once opened."))
    price_tolerance_percent = models.DecimalField(
        _("price tolerance percent"), max_digits=6, decimal_places=2, default=Decimal("0"),
        help_text=_("Bill mismatches: a bill price above the order price by more than this share of it (and "
                  "more than the absolute tolerance) is a mismatch."))
    price_tolerance_amount = models.DecimalField(
        _("price tolerance amount"), max_digits=12, decimal_places=2, default=Decimal("0"),
        help_text=_("Bill mismatches: the absolute tolerance per unit on the bill price."))
    bill_wait_days = models.PositiveIntegerField(
        _("bill wait days"), default=7,
        help_text=_("Bill mismatches: a bill still waiting for its receipt after this many days."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("exception rule")
        verbose_name_plural = _("exception rules")

    def __str__(self) -> str:
        return self.get_kind_display()


class OpsExceptionQuerySet(ScopedQuerySet["OpsException"]):
    def active(self) -> OpsExceptionQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)


class OpsException(models.Model):
    """One business exception in one store, tied to the mirrored Odoo record that raised it."""

    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="ops_exceptions")
    kind = models.CharField(_("kind"), max_length=32, choices=ExceptionKind.choices, db_index=True)
    mirror = models.OneToOneField("sync.MirrorRecord", verbose_name=_("mirror"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="ops_exception")
    odoo_model = models.CharField(_("odoo model"), max_length=64)
    odoo_id = models.PositiveIntegerField(_("odoo id"))
    title = models.CharField(_("title"), max_length=200)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    wording = models.JSONField(_("wording"), default=dict, blank=True, help_text=_(
        "The title and detail as phrases, written in each reader's language (the columns above keep the English)."))
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MEDIUM,
                                                db_index=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=Decimal("0"))
    value_at_risk = models.DecimalField(_("value at risk"), max_digits=14, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("status"), max_length=16, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN,
                              db_index=True)
    condition_active = models.BooleanField(_("condition active"), default=True,
                                           help_text=_("Whether the Odoo condition holds now."))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now,
                                      help_text=_("When the condition began (e.g. the receipt's scheduled date)."))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_exceptions")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    snoozed_until = models.DateTimeField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("snooze reason"), max_length=300, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_count = models.PositiveIntegerField(_("reopened count"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OpsExceptionQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "deadline", "-opened_at", "-id"]
        indexes = [models.Index(fields=["store", "status"]), models.Index(fields=["kind", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["kind", "odoo_model", "odoo_id"], name="unique_exception_per_record"),
        ]
        verbose_name = _("ops exception")
        verbose_name_plural = _("ops exceptions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def title_text(self) -> str:
        """The title in the reader's language (the English one for rows made before phrases were kept)."""
        return stored_text(self.wording, "title", self.title)

    @property
    def detail_text(self) -> str:
        return stored_text(self.wording, "detail", self.detail)

    @property
    def snooze_reason_text(self) -> str:
        """A snooze taken over from Odoo in the reader's language; a person's reason as they wrote it."""
        return stored_text(self.wording, "snooze_reason", self.snooze_reason)

    def title_said(self) -> Said:
        """The title for a cached list: written in each reader's language when shown."""
        return Said(self.wording.get("title") or {}, self.title)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def is_breached(self, now: datetime | None = None) -> bool:
        """Past its deadline and still waiting for someone."""
        return self.is_active and self.deadline is not None and self.deadline < (now or timezone.now())

    def age(self, now: datetime | None = None) -> timedelta:
        return (now or timezone.now()) - self.started_at

    @property
    def odoo_url(self) -> str:
        """The record's form in Odoo."""
        return odoo_record_url(self.odoo_model, self.odoo_id)

    def portal_path(self) -> str | None:
        """Where an exception raised by the portal itself (not by an Odoo record) is worked."""
        if self.kind == ExceptionKind.DIRECTIVE_OVERDUE:
            from django.urls import reverse

            return reverse("directives:copy", args=[self.odoo_id])
        return None

    @property
    def raised_by_portal(self) -> bool:
        """Raised by the portal's own checks, not by an Odoo record: there is nothing to open in Odoo."""
        return self.kind in (ExceptionKind.DIRECTIVE_OVERDUE, ExceptionKind.UNUSUAL_PATTERN)


class EventAction(models.TextChoices):
    OPENED = "opened", _("Opened")
    UPDATED = "updated", _("Figures changed in Odoo")
    ESCALATED = "escalated", _("Severity raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    SNOOZED = "snoozed", _("Snoozed")
    SNOOZE_EXPIRED = "snooze_expired", _("Snooze ended")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed: condition cleared in Odoo")
    CLEARED = "cleared", _("Condition cleared in Odoo")
    REOPENED = "reopened", _("Reopened: condition returned")
    WRITEBACK = "writeback", _("Odoo write-back")


class ExceptionEvent(models.Model):
    """Append-only history of one exception: the raw material of exception KPIs."""

    exception = models.ForeignKey(OpsException, verbose_name=_("exception"), on_delete=models.CASCADE,
                                  related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=24, choices=EventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "at"])]
        verbose_name = _("exception event")
        verbose_name_plural = _("exception events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} #{self.exception_id}"

    @property
    def note_text(self) -> str:
        """A note the portal wrote, in the reader's language; a person's note as they wrote it."""
        return stored_text(self.data, "note_phrase", self.note)


class ProductCost(models.Model):
    """A product's unit cost in Odoo (`standard_price`), cached to value discrepancies and shortfalls
    without a round trip per record; refreshed by the periodic exception pass."""

    odoo_product_id = models.PositiveIntegerField(_("odoo product id"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4, default=Decimal("0"))
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)

    class Meta:
        verbose_name = _("product cost")
        verbose_name_plural = _("product costs")

    def __str__(self) -> str:
        return f"{self.name or self.odoo_product_id}: {self.unit_cost}"


class DocumentStore(models.Model):
    """Which store an Odoo document belongs to, for records such as activities that only point at a
    document by model and id. `store` stays empty when the document has no store link."""

    odoo_model = models.CharField(_("odoo model"), max_length=64)
    odoo_id = models.PositiveIntegerField(_("odoo id"))
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["odoo_model", "odoo_id"], name="unique_document_store")]
        verbose_name = _("document store")
        verbose_name_plural = _("document stores")

    def __str__(self) -> str:
        return f"{self.odoo_model},{self.odoo_id} → {self.store_id or '-'}"


class BillMatch(models.Model):
    """What Odoo says of one purchase order line and its vendor bills, fetched by the periodic pass so
    the bill rules compare order, receipt and bill without a round trip per line. Quantities and
    prices move in Odoo without touching the line's `write_date` (they are computed), hence the refresh."""

    odoo_line_id = models.PositiveIntegerField(_("odoo line id"), unique=True)
    order_price = models.DecimalField(_("order price"), max_digits=14, decimal_places=4, default=Decimal("0"))
    qty_received = models.DecimalField(_("qty received"), max_digits=14, decimal_places=3, default=Decimal("0"))
    qty_invoiced = models.DecimalField(_("qty invoiced"), max_digits=14, decimal_places=3, default=Decimal("0"))
    qty_to_invoice = models.DecimalField(_("qty to invoice"), max_digits=14, decimal_places=3, default=Decimal("0"))
    bill_price = models.DecimalField(_("bill price"), max_digits=14, decimal_places=4, default=Decimal("0"),
                                     help_text=_("The highest unit price on the line's live vendor bills."))
    billed_quantity = models.DecimalField(_("billed quantity"), max_digits=14, decimal_places=3, default=Decimal("0"),
                                          help_text=_("Quantity on the live vendor bills (credit notes apart)."))
    credited_value = models.DecimalField(_("credited value"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                         help_text=_("Value of the live vendor credit notes on the line."))
    bill_name = models.CharField(_("bill name"), max_length=100, blank=True)
    bill_id = models.PositiveIntegerField(_("bill id"), null=True, blank=True)
    first_bill_date = models.DateField(_("first bill date"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)

    class Meta:
        verbose_name = _("bill match")
        verbose_name_plural = _("bill matches")

    def __str__(self) -> str:
        return f"line {self.odoo_line_id}: {self.bill_name or '-'}"


class PatternCheck(models.Model):
    """One store-week figure the unusual-pattern detector looked at: the evidence, like a triage
    suggestion's log. It keeps the model version, every number the score came from and the sentence
    shown to people, whether or not it opened an exception. It never blocks, approves or refunds."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    family = models.CharField(_("family"), max_length=16, help_text=_("refunds or adjustments"))
    metric = models.CharField(_("metric"), max_length=24)
    week_start = models.DateField(_("week start"), help_text=_("First day of the seven days looked at (store time)."))
    model_version = models.CharField(_("model version"), max_length=32)
    inputs = models.JSONField(_("inputs"), default=dict,
                              help_text=_("This week, the eight weeks before, the peers' ratios."))
    score = models.FloatField(_("score"))
    ratio = models.FloatField(_("ratio"))
    threshold = models.FloatField(_("threshold"))
    unusual = models.BooleanField(_("unusual"), default=False)
    explanation = models.CharField(_("explanation"), max_length=400, blank=True)
    wording = models.JSONField(_("wording"), default=dict, blank=True, help_text=_(
        "The explanation as a phrase, written in each reader's language (the column above keeps the English)."))
    exception = models.ForeignKey(OpsException, verbose_name=_("exception"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "family", "unusual", "week_start"])]
        verbose_name = _("pattern check")
        verbose_name_plural = _("pattern checks")

    def __str__(self) -> str:
        return f"{self.model_version} {self.metric} {self.week_start} ({self.score:.1f})"
