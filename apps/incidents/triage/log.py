"""The triage log: each suggestion shown to a person and what they finally chose (`TriageSuggestion`,
one of the incidents app's models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.incidents.taxonomy import Category, Urgency


class TriageSuggestion(models.Model):
    """One suggestion shown to a person, and what they finally chose: the evidence that the model helps
    (or not). The text itself is not kept, only its hash."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL,
                             related_name="+")
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    incident = models.ForeignKey("incidents.StoreIncident", verbose_name=_("incident"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="triage_suggestions")
    provider = models.CharField(_("provider"), max_length=16)
    model_version = models.CharField(_("model version"), max_length=64)
    input_hash = models.CharField(_("input hash"), max_length=64, db_index=True)
    category = models.CharField(_("category"), max_length=24, blank=True)
    category_confidence = models.FloatField(_("category confidence"), null=True, blank=True)
    urgency = models.CharField(_("urgency"), max_length=12, blank=True)
    urgency_confidence = models.FloatField(_("urgency confidence"), null=True, blank=True)
    why = models.JSONField(_("why"), default=list, blank=True)
    manual = models.BooleanField(_("manual"), default=False, help_text=_("No usable suggestion: needs manual triage."))
    error = models.CharField(_("error"), max_length=200, blank=True)
    final_category = models.CharField(_("final category"), max_length=24, blank=True)
    final_urgency = models.CharField(_("final urgency"), max_length=12, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("triage suggestion")
        verbose_name_plural = _("triage suggestions")

    def __str__(self) -> str:
        return f"{self.model_version} {self.category}/{self.urgency} ({self.confidence:.2f})"

    @property
    def confidence(self) -> float:
        """The routing confidence (the category's): see `triage.providers.Suggestion.confidence`."""
        return 0.0 if self.manual else self.category_confidence or 0.0

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label) if self.category in Category.values else self.category

    @property
    def urgency_label(self) -> str:
        return str(Urgency(self.urgency).label) if self.urgency in Urgency.values else self.urgency

    @property
    def accepted(self) -> bool | None:
        if not self.final_category:
            return None
        return self.final_category == self.category and self.final_urgency == self.urgency
