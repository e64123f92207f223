"""Feeds (what to mirror out of Odoo), the mirror itself, sync runs and pending webhook hints."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.portal.phrases import Text, data_of, english, phrase_text


class FeedKind(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    INCIDENT = "incident", _("Store incident")
    EXCEPTION = "exception", _("Operational exception")
    HEALTH = "health", _("Health signal")
    DIRECTIVE = "directive", _("Store directive")


class Feed(models.Model):
    """A declarative stream out of Odoo. Built-in feeds are created by `feeds_ensure`; Enterprise or
    OCA feeds (approval.request, tier.review, helpdesk.ticket) are added here as configuration."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=FeedKind.choices)
    odoo_model = models.CharField(_("odoo model"), max_length=64)
    base_domain = models.JSONField(_("base domain"), default=list, blank=True,
                                   help_text=_("Odoo domain sent with every fetch (narrows the model)."))
    domain = models.JSONField(_("domain"), default=list, blank=True,
                              help_text=_("What makes a record open, evaluated on the fetched fields."))
    fields = models.JSONField(_("fields"), default=list,
                              help_text=_("Odoo fields to fetch (write_date is always added)."))
    store_field = models.CharField(_("store field"), max_length=64, blank=True,
                                   help_text=_("Many2one on the record that leads to the store's warehouse."))
    store_via_model = models.CharField(
        _("store via model"), max_length=64, blank=True,
        help_text=_("When store_field points at another model (e.g. stock.picking.type)."))
    store_via_field = models.CharField(_("store via field"), max_length=64, blank=True,
                                       help_text=_("The warehouse many2one on store_via_model."))
    settings = models.JSONField(_("settings"), default=dict, blank=True,
                                help_text=_("Kind-specific options (e.g. approve method)."))
    batch_size = models.PositiveIntegerField(_("batch size"), default=500)
    overlap_seconds = models.PositiveIntegerField(
        _("overlap seconds"), default=5,
        help_text=_("Longest Odoo transaction plus clock skew: Odoo stamps write_date at transaction "
                             "start, so a record may commit behind the cursor while a poll runs."))
    enabled = models.BooleanField(_("enabled"), default=True)
    builtin_version = models.PositiveIntegerField(
        _("builtin version"), default=0,
        help_text=_("Version of the built-in definition last applied (0: a feed operations added)."))
    odoo_series = models.CharField(
        _("odoo series"), max_length=8, blank=True,
        help_text=_("The Odoo versions the built-in definition is for (16-18 or 19+): "
                                            "odoo_setup chooses it from the server's version."))
    tuned_fields = models.JSONField(
        _("tuned fields"), default=list, blank=True,
        help_text=_("Definition fields operations changed in the admin: an upgraded "
                                            "built-in definition leaves them as they are."))
    cursor_write_date = models.DateTimeField(_("cursor write date"), null=True, blank=True)
    cursor_id = models.PositiveIntegerField(_("cursor id"), default=0)
    last_poll_started_at = models.DateTimeField(
        _("last poll started at"), null=True, blank=True,
        help_text=_("When the last complete pass began: the overlap is measured from it."))
    running_since = models.DateTimeField(_("running since"), null=True, blank=True,
                                         help_text=_("When the run holding the lease took it."))
    lease_expires_at = models.DateTimeField(
        _("lease expires at"), null=True, blank=True,
        help_text=_("The running sync renews this; once past, the next run takes the feed over."))
    lease_run = models.ForeignKey("SyncRun", verbose_name=_("lease run"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  help_text=_("The run holding the lease."))
    last_success_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_wording = models.JSONField(_("last error wording"), default=dict, blank=True, help_text=_(
        "The last error as a phrase, written in each reader's language (last error keeps the English)."))

    class Meta:
        ordering = ["slug"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")

    def __str__(self) -> str:
        return self.name

    @property
    def fetch_fields(self) -> list[str]:
        wanted = ["write_date", *self.fields]
        if self.store_field:
            wanted.append(self.store_field)
        return list(dict.fromkeys(wanted))


class MirrorRecordQuerySet(models.QuerySet["MirrorRecord"]):
    def open(self) -> MirrorRecordQuerySet:
        return self.filter(closed_at__isnull=True)


class MirrorRecord(models.Model):
    """The latest copy of one Odoo record of a feed. Domain apps build their rows from it."""

    feed = models.ForeignKey(Feed, verbose_name=_("feed"), on_delete=models.CASCADE, related_name="records",
                             db_index=False)  # (feed, odoo_id) is unique: its index serves
    odoo_id = models.PositiveIntegerField(_("odoo id"))
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    values = models.JSONField(_("values"), default=dict)
    odoo_write_date = models.DateTimeField(_("odoo write date"))
    first_seen_at = models.DateTimeField(_("first seen at"), default=timezone.now)
    synced_at = models.DateTimeField(_("synced at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("close reason"), max_length=32, blank=True,
                                    help_text=_("left_domain (e.g. approved in Odoo) or deleted."))

    objects = MirrorRecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "odoo_id"], name="unique_mirror_record")]
        indexes = [models.Index(fields=["feed", "closed_at"])]
        verbose_name = _("mirror record")
        verbose_name_plural = _("mirror records")

    def __str__(self) -> str:
        return f"{self.feed.odoo_model},{self.odoo_id}"


class RunKind(models.TextChoices):
    INCREMENTAL = "incremental", _("Incremental")
    FULL = "full", _("Full")
    RECONCILE = "reconcile", _("Reconciliation")
    HINT = "hint", _("Webhook hints")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", _("Succeeded")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (already running)")
    INTERRUPTED = "interrupted", _("Interrupted (stopped renewing its lease)")


class SyncRun(models.Model):
    """One pass of one feed: kept so operations can see lag, volume and errors over time."""

    feed = models.ForeignKey(Feed, verbose_name=_("feed"), on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    fetched = models.PositiveIntegerField(_("fetched"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    closed = models.PositiveIntegerField(_("closed"), default=0)
    rpc_calls = models.PositiveIntegerField(_("rpc calls"), default=0)
    total_expected = models.PositiveIntegerField(_("total expected"), null=True, blank=True,
                                                 help_text=_("For progress of a long run."))
    cursor_before = models.CharField(_("cursor before"), max_length=64, blank=True)
    cursor_after = models.CharField(_("cursor after"), max_length=64, blank=True)
    lag_seconds = models.FloatField(_("lag seconds"), null=True, blank=True,
                                    help_text=_("Age of the newest change seen when the run ended."))
    error = models.TextField(_("error"), blank=True)
    error_wording = models.JSONField(_("error wording"), default=dict, blank=True, help_text=_(
        "The error as a phrase, written in each reader's language (error keeps the English)."))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("sync run")
        verbose_name_plural = _("sync runs")

    def __str__(self) -> str:
        return f"{self.feed.slug} {self.kind} {self.started_at:%H:%M:%S} {self.status}"

    @property
    def progress(self) -> float | None:
        if not self.total_expected:
            return None
        return min(1.0, self.fetched / self.total_expected)

    def close(self, *, error: Text = "", status: str | None = None) -> None:
        """Record the outcome: failed when there is an error, succeeded otherwise (or `status`). A
        portal-made error is kept in English and as a phrase for each reader's language."""
        self.finished_at = timezone.now()
        self.status = status or (RunStatus.FAILED if error else RunStatus.OK)
        self.error, self.error_wording = english(error), data_of(error)
        self.save()

    @property
    def error_text(self) -> str:
        """The error in the reader's language; Odoo's own words stay as Odoo wrote them."""
        return phrase_text(self.error_wording, self.error)

    def tally(self, fetched: int, created: int, upserted: int, closed: int) -> None:
        """Add one applied batch to the counts (`upserted` includes the records created)."""
        self.fetched += fetched
        self.created += created
        self.updated += upserted - created
        self.closed += closed

    def counts(self) -> dict[str, Any]:
        return {"fetched": self.fetched, "created": self.created, "updated": self.updated, "closed": self.closed}


class PendingRefetch(models.Model):
    """A record Odoo hinted at: refetched by id soon. Duplicate hints collapse onto one row."""

    odoo_model = models.CharField(_("odoo model"), max_length=64)
    odoo_id = models.PositiveIntegerField(_("odoo id"))
    hinted_at = models.DateTimeField(_("hinted at"), default=timezone.now)
    hints = models.PositiveIntegerField(_("hints"), default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["odoo_model", "odoo_id"], name="unique_pending_refetch")]
        verbose_name = _("pending refetch")
        verbose_name_plural = _("pending refetches")

    def __str__(self) -> str:
        return f"{self.odoo_model},{self.odoo_id} ({self.hints} hint{'' if self.hints == 1 else 's'})"


class WebhookRejection(models.Model):
    """Webhook calls refused for one reason within one minute (bad token, signature, replay, size,
    an address over its rate limit): evidence for operations. Counted, not logged per call, so a flood
    of bad requests costs one row per reason per minute."""

    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True,
                                       help_text=_("Start of the minute the rejections were counted in."))
    last_at = models.DateTimeField(_("last at"), default=timezone.now,
                                   help_text=_("The latest rejection of the minute."))
    reason = models.CharField(_("reason"), max_length=64)
    count = models.PositiveIntegerField(_("count"), default=1)
    source_ip = models.GenericIPAddressField(_("source ip"), null=True, blank=True,
                                             help_text=_("Address of the latest one."))
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    detail_wording = models.JSONField(_("detail wording"), default=dict, blank=True, help_text=_(
        "The detail as a phrase, written in each reader's language (detail keeps the English)."))

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["reason", "received_at"], name="unique_rejection_minute")]
        verbose_name = _("webhook rejection")
        verbose_name_plural = _("webhook rejections")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason} ({self.count})"
