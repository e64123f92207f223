"""Feeds (what to mirror out of Odoo), the mirror itself, sync runs and pending webhook hints."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeedKind(models.TextChoices):
    APPROVAL = "approval", _("Approval")
    INCIDENT = "incident", _("Store incident")
    EXCEPTION = "exception", _("Operational exception")
    HEALTH = "health", _("Health signal")
    DIRECTIVE = "directive", _("Store directive")


class Feed(models.Model):
    """A declarative stream out of Odoo. Built-in feeds are created by `feeds_ensure`; Enterprise or
    OCA feeds (approval.request, tier.review, helpdesk.ticket) are added here as configuration."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    odoo_model = models.CharField(max_length=64)
    base_domain = models.JSONField(default=list, blank=True,
                                   help_text="Odoo domain sent with every fetch (narrows the model).")
    domain = models.JSONField(default=list, blank=True,
                              help_text="What makes a record open, evaluated on the fetched fields.")
    fields = models.JSONField(default=list, help_text="Odoo fields to fetch (write_date is always added).")
    store_field = models.CharField(max_length=64, blank=True,
                                   help_text="Many2one on the record that leads to the store's warehouse.")
    store_via_model = models.CharField(max_length=64, blank=True,
                                       help_text="When store_field points at another model (e.g. stock.picking.type).")
    store_via_field = models.CharField(max_length=64, blank=True,
                                       help_text="The warehouse many2one on store_via_model.")
    settings = models.JSONField(default=dict, blank=True, help_text="Kind-specific options (e.g. approve method).")
    batch_size = models.PositiveIntegerField(default=500)
    overlap_seconds = models.PositiveIntegerField(
        default=5, help_text="Longest Odoo transaction plus clock skew: Odoo stamps write_date at transaction "
                             "start, so a record may commit behind the cursor while a poll runs.")
    enabled = models.BooleanField(default=True)
    builtin_version = models.PositiveIntegerField(
        default=0, help_text="Version of the built-in definition last applied (0: a feed operations added).")
    odoo_series = models.CharField(
        max_length=8, blank=True, help_text="The Odoo versions the built-in definition is for (16-18 or 19+): "
                                            "odoo_setup chooses it from the server's version.")
    tuned_fields = models.JSONField(
        default=list, blank=True, help_text="Definition fields operations changed in the admin: an upgraded "
                                            "built-in definition leaves them as they are.")
    cursor_write_date = models.DateTimeField(null=True, blank=True)
    cursor_id = models.PositiveIntegerField(default=0)
    last_poll_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last complete pass began: the overlap is measured from it.")
    running_since = models.DateTimeField(null=True, blank=True, help_text="When the run holding the lease took it.")
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="The running sync renews this; once past, the next run takes the feed over.")
    lease_run = models.ForeignKey("SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  help_text="The run holding the lease.")
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["slug"]

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

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="records")
    odoo_id = models.PositiveIntegerField()
    store = models.ForeignKey("organisation.Store", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    values = models.JSONField(default=dict)
    odoo_write_date = models.DateTimeField()
    first_seen_at = models.DateTimeField(default=timezone.now)
    synced_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=32, blank=True,
                                    help_text="left_domain (e.g. approved in Odoo) or deleted.")

    objects = MirrorRecordQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "odoo_id"], name="unique_mirror_record")]
        indexes = [models.Index(fields=["feed", "closed_at"])]

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

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=16, choices=RunKind.choices)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    rpc_calls = models.PositiveIntegerField(default=0)
    total_expected = models.PositiveIntegerField(null=True, blank=True, help_text="For progress of a long run.")
    cursor_before = models.CharField(max_length=64, blank=True)
    cursor_after = models.CharField(max_length=64, blank=True)
    lag_seconds = models.FloatField(null=True, blank=True,
                                    help_text="Age of the newest change seen when the run ended.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.feed.slug} {self.kind} {self.started_at:%H:%M:%S} {self.status}"

    @property
    def progress(self) -> float | None:
        if not self.total_expected:
            return None
        return min(1.0, self.fetched / self.total_expected)

    def close(self, *, error: str = "", status: str | None = None) -> None:
        """Record the outcome: failed when there is an error, succeeded otherwise (or `status`)."""
        self.finished_at = timezone.now()
        self.status = status or (RunStatus.FAILED if error else RunStatus.OK)
        self.error = error
        self.save()

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

    odoo_model = models.CharField(max_length=64)
    odoo_id = models.PositiveIntegerField()
    hinted_at = models.DateTimeField(default=timezone.now)
    hints = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "pending refetches"
        constraints = [models.UniqueConstraint(fields=["odoo_model", "odoo_id"], name="unique_pending_refetch")]

    def __str__(self) -> str:
        return f"{self.odoo_model},{self.odoo_id} ({self.hints} hint{'' if self.hints == 1 else 's'})"


class WebhookRejection(models.Model):
    """Webhook calls refused for one reason within one minute (bad token, signature, replay, size,
    an address over its rate limit): evidence for operations. Counted, not logged per call, so a flood
    of bad requests costs one row per reason per minute."""

    received_at = models.DateTimeField(default=timezone.now, db_index=True,
                                       help_text="Start of the minute the rejections were counted in.")
    last_at = models.DateTimeField(default=timezone.now, help_text="The latest rejection of the minute.")
    reason = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=1)
    source_ip = models.GenericIPAddressField(null=True, blank=True, help_text="Address of the latest one.")
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["reason", "received_at"], name="unique_rejection_minute")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason} ({self.count})"
