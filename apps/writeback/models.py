"""The transactional outbox: every change the portal must make in Odoo is first a row here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisation.scope import ScopedQuerySet
from apps.portal.phrases import phrase_text


class WriteBackStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    IN_PROGRESS = "in_progress", _("Sending to Odoo")
    RETRYING = "retrying", _("Retrying")
    WAITING = "waiting", _("Waiting for Odoo")
    APPLIED = "applied", _("Applied in Odoo")
    CONFLICT = "conflict", _("Conflict in Odoo")
    FAILED = "failed", _("Failed")
    DEAD = "dead", _("Dead-lettered")


PENDING = (WriteBackStatus.QUEUED, WriteBackStatus.RETRYING, WriteBackStatus.WAITING)
# Not final yet: due, waiting for Odoo, or being sent right now.
IN_FLIGHT = (*PENDING, WriteBackStatus.IN_PROGRESS)
FINAL = (WriteBackStatus.APPLIED, WriteBackStatus.CONFLICT, WriteBackStatus.FAILED, WriteBackStatus.DEAD)


class WriteBackQuerySet(ScopedQuerySet["WriteBack"]):
    def due(self) -> WriteBackQuerySet:
        now = timezone.now()
        return self.filter(status__in=PENDING, next_attempt_at__lte=now).exclude(not_before__gt=now)


class WriteBack(models.Model):
    """One intended Odoo change, with an idempotency key, status, attempts and last error.

    It is saved in the same transaction as the decision or incident that caused it, so a crash can
    never lose the intent; a worker claims it with a conditional UPDATE and applies it idempotently.
    """

    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=48, db_index=True, help_text=_("Which executor applies it."))
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="writebacks")
    odoo_model = models.CharField(_("odoo model"), max_length=64)
    odoo_id = models.PositiveIntegerField(_("odoo id"), null=True, blank=True,
                                          help_text=_("Empty until a create is applied."))
    payload = models.JSONField(_("payload"), default=dict, help_text=_("What to do; read by the executor."))
    result = models.JSONField(_("result"), default=dict, blank=True, help_text=_("Progress and outcome, step by step."))
    status = models.CharField(_("status"), max_length=16, choices=WriteBackStatus.choices,
                              default=WriteBackStatus.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now, db_index=True)
    not_before = models.DateTimeField(
        _("not before"), null=True, blank=True,
        help_text=_("Held until then (a decision's undo window): no worker claims it earlier, "
                                         "and until then it can be withdrawn."))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    error_wording = models.JSONField(_("error wording"), default=dict, blank=True, help_text=_(
        "The last error as a phrase, written in each reader's language (last error keeps the English)."))
    waiting_since = models.DateTimeField(
        _("waiting since"), null=True, blank=True,
        help_text=_("Since when Odoo has been unreachable for this row (an outage is waited "
                                         "out for CT_WRITEBACK_OUTAGE_WINDOW_HOURS, never counted in attempts)."))
    source_type = models.CharField(_("source type"), max_length=64, blank=True, help_text=_("e.g. approvals.decision"))
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = WriteBackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]
        verbose_name = _("write back")
        verbose_name_plural = _("write backs")

    def __str__(self) -> str:
        target = f"{self.odoo_model},{self.odoo_id}" if self.odoo_id else self.odoo_model
        return f"{self.kind} {target} [{self.get_status_display()}]"

    @property
    def error_text(self) -> str:
        """The last error in the reader's language; an error Odoo sent stays as Odoo wrote it."""
        return phrase_text(self.error_wording, self.last_error)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def is_held(self) -> bool:
        """Still inside its undo window: nothing has gone to Odoo and it may be withdrawn."""
        return (self.status == WriteBackStatus.QUEUED and self.not_before is not None
                and self.not_before > timezone.now())

    @property
    def is_waiting_for_odoo(self) -> bool:
        return self.status in IN_FLIGHT and self.waiting_since is not None

    def backoff(self) -> timedelta:
        """Exponential backoff with full jitter, capped: retries from many rows never arrive in step."""
        import random

        cap = settings.CT_WRITEBACK_BACKOFF_CAP_SECONDS
        base = settings.CT_WRITEBACK_BACKOFF_SECONDS
        return timedelta(seconds=random.uniform(0, min(cap, base * 2 ** max(0, self.attempts - 1))))

    def summary(self) -> dict[str, Any]:
        return {"status": self.status, "attempts": self.attempts, "odoo_id": self.odoo_id,
                "last_error": self.last_error}


class OdooOutage(models.Model):
    """The outbox's knowledge that Odoo is unreachable: one row (pk 1), empty `unreachable_since`
    while Odoo answers.

    While an outage lasts the outbox pauses instead of burning attempts: one worker at a time wins the
    probe (a conditional UPDATE on `next_probe_at`) and tries the oldest waiting row; every other row
    waits untouched. The probes back off exponentially with jitter up to
    CT_WRITEBACK_BACKOFF_CAP_SECONDS, so a long outage costs Odoo one call every few minutes.
    """

    unreachable_since = models.DateTimeField(_("unreachable since"), null=True, blank=True)
    next_probe_at = models.DateTimeField(_("next probe at"), null=True, blank=True)
    failed_probes = models.PositiveIntegerField(_("failed probes"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("odoo outage")
        verbose_name_plural = _("odoo outages")

    def __str__(self) -> str:
        if self.unreachable_since is None:
            return "Odoo reachable"
        return f"Odoo unreachable since {self.unreachable_since:%Y-%m-%d %H:%M}"
