"""Workflow health: one row per watched thing, its status, the rule that decided it, and history."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.odoo_gateway.links import odoo_link
from apps.portal.phrases import stored_text


class SignalStatus(models.TextChoices):
    OK = "ok", _("OK")
    DEGRADED = "degraded", _("Degraded")
    FAILING = "failing", _("Failing")


STATUS_RANK = {SignalStatus.OK: 0, SignalStatus.DEGRADED: 1, SignalStatus.FAILING: 2}


class SignalCategory(models.TextChoices):
    ODOO_CONNECTION = "odoo_connection", _("Odoo connection")
    ODOO_CRON = "odoo_cron", _("Odoo scheduled actions")
    ODOO_MAIL = "odoo_mail", _("Odoo outgoing email")
    ODOO_WEBHOOKS = "odoo_webhooks", _("Odoo webhook rules")
    ODOO_READINESS = "odoo_readiness", _("Odoo integration readiness")
    SYNC = "sync", _("Sync feeds")
    OUTBOX = "outbox", _("Write-backs to Odoo")
    HINTS = "hints", _("Webhook hints")
    WORKER = "worker", _("Background worker")
    LIVE = "live", _("Live updates")


ODOO_CATEGORIES = (SignalCategory.ODOO_CONNECTION, SignalCategory.ODOO_CRON, SignalCategory.ODOO_MAIL,
                   SignalCategory.ODOO_WEBHOOKS)


class ReadingTexts:
    """The rule and the observation in the reader's language, from the phrases kept in `wording`
    beside their English (see apps.portal.phrases); the English for rows made before."""

    rule: Any
    detail: Any
    wording: Any

    @property
    def rule_text(self) -> str:
        return stored_text(self.wording, "rule", self.rule)

    @property
    def detail_text(self) -> str:
        return stored_text(self.wording, "detail", self.detail)


class HealthSignal(ReadingTexts, models.Model):
    """The latest reading of one signal. Rows are upserted by the checks; a signal that no longer
    exists (a deleted scheduled action) is retired, not deleted, so its history stays."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    label = models.CharField(_("label"), max_length=200)
    category = models.CharField(_("category"), max_length=24, choices=SignalCategory.choices, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=SignalStatus.choices)
    rule = models.CharField(_("rule"), max_length=300, help_text=_("The rule that decided the status."))
    detail = models.TextField(_("detail"), blank=True, help_text=_("What was observed."))
    wording = models.JSONField(_("wording"), default=dict, blank=True, help_text=_(
        "Label, rule and detail as phrases, written in each reader's language (the columns keep the English)."))
    value = models.FloatField(_("value"), null=True, blank=True,
                              help_text=_("The measured figure (also exported as a metric)."))
    odoo_path = models.CharField(_("odoo path"), max_length=300, blank=True, help_text=_("Where to act in Odoo."))
    action_url = models.CharField(_("action url"), max_length=300, blank=True,
                                  help_text=_("Where to act in the portal."))
    data = models.JSONField(_("data"), default=dict, blank=True)
    observed_at = models.DateTimeField(_("observed at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["category", "key"]
        verbose_name = _("health signal")
        verbose_name_plural = _("health signals")

    def __str__(self) -> str:
        return f"{self.label}: {self.status}"

    @property
    def label_text(self) -> str:
        """The label in the reader's language (the English column for rows read before phrases were kept)."""
        return stored_text(self.wording, "label", self.label)


    @property
    def rank(self) -> int:
        return STATUS_RANK[SignalStatus(self.status)]

    @property
    def odoo_url(self) -> str:
        """Where to act on it in Odoo."""
        return odoo_link(self.odoo_path)


class HealthEvent(ReadingTexts, models.Model):
    """A status change of a signal, with the rule and observation that caused it."""

    signal = models.ForeignKey(HealthSignal, verbose_name=_("signal"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    from_status = models.CharField(_("from status"), max_length=16, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=SignalStatus.choices)
    rule = models.CharField(_("rule"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)
    wording = models.JSONField(_("wording"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("health event")
        verbose_name_plural = _("health events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.signal.key} {self.from_status or '-'} → {self.to_status}"



class WorkerHeartbeat(models.Model):
    """Written by a periodic task on each worker: a stale heartbeat means no worker (or no scheduler)."""

    worker = models.CharField(_("worker"), max_length=200)
    queue = models.CharField(_("queue"), max_length=50, blank=True,
                             help_text=_("The queue the beat came through; blank: a worker that did not say."))
    beat_at = models.DateTimeField(_("beat at"), default=timezone.now)
    pid = models.PositiveIntegerField(_("pid"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["worker", "queue"], name="unique_heartbeat_worker_queue")]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker}{f' [{self.queue}]' if self.queue else ''} at {self.beat_at:%H:%M:%S}"
