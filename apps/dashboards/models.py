"""Dashboard rollups: per store, per day and per kind of work, the counts and duration histograms the
KPI tiles and panels read for closed days (today and open work are read from the rows themselves).

A cell is a pure function of the rows (`apps.dashboards.rollup_cells`): the refresh job recomputes
the cells of the stores whose rows changed, and `manage.py rollups_reconcile` proves cells == rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkKind(models.TextChoices):
    APPROVALS = "approvals", "Approval requests"
    INCIDENTS = "incidents", "Store incidents"
    EXCEPTIONS = "exceptions", "Exceptions"
    DIRECTIVES = "directives", "Directives"


class DailyRollup(models.Model):
    """One store's work of one kind on one local day (portal time zone).

    - opened: items opened that day; finished: items finished that day (duplicates and decisions
      taken in Odoo left out, as the KPIs do);
    - due / met: items whose deadline fell that day / of those, finished by it;
    - durations: open → finish of the items finished that day, as a histogram (bucket index →
      count, edges in `apps.dashboards.histogram`);
    - closed_after_days: exceptions opened that day and closed since, by whole days from the opening
      day to the closing day, so "closed by the end of a period" is exact for any period end.
    """

    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=WorkKind.choices)
    opened = models.PositiveIntegerField(_("opened"), default=0)
    finished = models.PositiveIntegerField(_("finished"), default=0)
    due = models.PositiveIntegerField(_("due"), default=0)
    met = models.PositiveIntegerField(_("met"), default=0)
    durations = models.JSONField(_("durations"), default=dict, blank=True)
    closed_after_days = models.JSONField(_("closed after days"), default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "store", "day"], name="dash_rollup_unique_cell")]
        indexes = [models.Index(fields=["day", "store"], name="dash_rollup_day_store")]
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")

    def __str__(self) -> str:
        return f"{self.kind} · store {self.store_id} · {self.day}"


class RollupMark(models.Model):
    """How far the rollups are known to follow the rows: changes seen up to `changes_through`
    (the rows' `updated_at`), and every day up to `closed_through` computed once it closed."""

    kind = models.CharField(_("kind"), max_length=16, choices=WorkKind.choices, unique=True)
    changes_through = models.DateTimeField(_("changes through"))
    closed_through = models.DateField(_("closed through"))

    class Meta:
        verbose_name = _("rollup mark")
        verbose_name_plural = _("rollup marks")

    def __str__(self) -> str:
        return f"{self.kind}: changes through {self.changes_through}, days through {self.closed_through}"
