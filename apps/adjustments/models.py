"""Stock counts reported from the store floor: a store manager's count of one product, with a reason
and an optional photo, set in Odoo through the outbox and then decided as a stock-count approval."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisation.scope import ScopedQuerySet
from apps.portal.phrases import phrase_text


class AdjustmentReason(models.Model):
    """Why a count differs (damaged, theft, miscount...): the list the store picks from, kept by
    operations in the admin. Retired reasons are switched off, never deleted (reports keep them)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    label = models.CharField(_("label"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100, help_text=_("Lower first in the list."))

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("adjustment reason")
        verbose_name_plural = _("adjustment reasons")

    def __str__(self) -> str:
        return self.label


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Sending to Odoo")
    IN_ODOO = "in_odoo", _("Count set in Odoo")
    FAILED = "failed", _("Odoo refused the count")


def photo_path(instance: StockCountReport, filename: str) -> str:
    """A random name: nothing about the store or the product can be guessed from it."""
    return f"adjustments/photos/{uuid.uuid4().hex}.jpg"


class StockCountReportQuerySet(ScopedQuerySet["StockCountReport"]):
    pass


class StockCountReport(models.Model):
    """One count of one quant, as the store manager reported it, and what became of it in Odoo."""

    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    quant_odoo_id = models.PositiveIntegerField(_("quant odoo id"), db_index=True)
    product_odoo_id = models.PositiveIntegerField(_("product odoo id"))
    product_name = models.CharField(_("product name"), max_length=200)
    location_name = models.CharField(_("location name"), max_length=200, blank=True)
    on_hand = models.DecimalField(_("on hand"), max_digits=14, decimal_places=3,
                                  help_text=_("Odoo's quantity when reported."))
    counted = models.DecimalField(_("counted"), max_digits=14, decimal_places=3)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4, default=Decimal("0"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                help_text=_("The difference at cost: what the approval policy's bands judge."))
    reason = models.ForeignKey(AdjustmentReason, verbose_name=_("reason"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to=photo_path, max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    error = models.CharField(_("error"), max_length=300, blank=True)
    error_wording = models.JSONField(_("error wording"), default=dict, blank=True, help_text=_(
        "The error as a phrase, written in each reader's language (error keeps the English)."))
    writeback = models.ForeignKey("writeback.WriteBack", verbose_name=_("writeback"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    client_key = models.CharField(_("client key"), max_length=64, blank=True,
                                  help_text=_("Made by the form: a resend is the same report."))

    objects = StockCountReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["store", "quant_odoo_id"])]
        constraints = [models.UniqueConstraint(fields=["store", "reported_by", "client_key"],
                                               condition=~models.Q(client_key=""), name="unique_count_client_key")]
        verbose_name = _("stock count report")
        verbose_name_plural = _("stock count reports")

    def __str__(self) -> str:
        return f"{self.store.code} {self.product_name}: {self.counted}"

    def get_absolute_url(self) -> str:
        return reverse("adjustments:detail", args=[self.pk])

    @property
    def error_text(self) -> str:
        """Why Odoo did not take the count, in the reader's language."""
        return phrase_text(self.error_wording, self.error)

    @property
    def difference(self) -> Decimal:
        return self.counted - self.on_hand

    def photo_url(self) -> str:
        return reverse("adjustments:photo", args=[self.pk]) if self.photo else ""
