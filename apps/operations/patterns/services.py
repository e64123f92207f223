"""The periodic pass: score every store's week, log every figure looked at, open an `unusual_pattern`
exception per store and family (refunds, adjustments) when a figure is unusual, explained in numbers.

It only ever opens an exception for a person to look at (and at most one per store and family a
week); it never blocks, approves or refunds anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps import events
from apps.events.types import ExceptionOpened
from apps.live.broadcast import panels_changed
from apps.operations.models import (
    EventAction,
    ExceptionEvent,
    ExceptionKind,
    ExceptionStatus,
    OpsException,
    PatternCheck,
    Severity,
)
from apps.operations.patterns.detector import HISTORY_WEEKS, MODEL_VERSION, Finding, Metric, assess, ratio_of
from apps.operations.patterns.metrics import REFUNDS, metrics
from apps.operations.patterns.sources import StoreWeeks, weeks_by_store
from apps.operations.rules import rules_ensure
from apps.organisation.models import Store
from apps.portal.phrases import Joined, Money, Stored, phrase

EXCEPTION_MODEL = "operations.patterncheck"  # the exception points at the log row that explains it
TIMES = "\u00d7"  # the multiplication sign, as printed


@dataclass
class PatternRun:
    checked: int = 0
    unusual: int = 0
    opened: int = 0


def _times(value: float) -> Decimal:
    return round(Decimal(str(value)), 1)


def explanation(metric: Metric, finding: Finding, figures: StoreWeeks) -> Joined:
    """The figure in words, every number the reader needs to check it."""
    currency = figures.currency

    def show(value: float) -> Money | int:
        return Money(round(value), currency) if metric.money and currency else round(value)

    what = {"refund_value": phrase("Refunds"), "refund_count": phrase("Refunds (number)"),
            "adjustment_value": phrase("Stock adjustments (value of differences)"),
            "adjustment_count": phrase("Stock adjustments applied")}[metric.code]
    parts = [phrase("%(what)s this week %(now)s = %(times)s%(x)s this store's %(weeks)s-week median %(median)s",
                    what=what, now=show(finding.current), times=_times(finding.ratio), weeks=HISTORY_WEEKS, x=TIMES,
                    median=show(finding.median))]
    if finding.peer_ratio_median is not None:
        parts.append(phrase(" (peers %(times)s%(x)s)", times=_times(finding.peer_ratio_median), x=TIMES))
    if metric.family == REFUNDS:
        count, of, name = figures.largest_by_one()
        if count >= 2 and of:
            parts.append(phrase("; %(count)s of the %(of)s largest by one cashier (%(name)s)", count=count, of=of,
                                name=name))
    return Joined(tuple(parts), separator="")


def unusual_patterns_detect(*, now: datetime | None = None) -> PatternRun:
    """Score this week of every store with refunds or adjustments against its own eight weeks before
    and its peers (the other stores this week); log each figure; open exceptions for unusual ones."""
    now = now or timezone.now()
    run = PatternRun()
    by_store = weeks_by_store(now=now)
    stores = Store.objects.in_bulk(list(by_store))
    rule = rules_ensure()[ExceptionKind.UNUSUAL_PATTERN]
    week_start = timezone.localtime(now - timedelta(days=7)).date()
    for metric in metrics():
        ratios = {store_id: ratio_of(f.current(metric.code), f.history(metric.code))
                  for store_id, f in by_store.items()}
        for store_id, figures in by_store.items():
            if not any(figures.totals[metric.code]):
                continue
            finding = assess(metric, figures.current(metric.code), figures.history(metric.code),
                             [ratio for other, ratio in ratios.items() if other != store_id])
            run.checked += 1
            said = explanation(metric, finding, figures) if finding.unusual else None
            check = PatternCheck.objects.create(
                created_at=now, store=stores[store_id], family=metric.family, metric=metric.code,
                week_start=week_start, model_version=MODEL_VERSION, score=round(finding.score, 3),
                ratio=round(min(finding.ratio, 1e6), 3), threshold=metric.threshold, unusual=finding.unusual,
                explanation=said.english()[:400] if said else "",
                wording={"explanation": said.data()} if said else {},
                inputs={**finding.inputs(), "history": [round(v, 2) for v in figures.history(metric.code)],
                        "minimum": metric.minimum, "min_ratio": metric.min_ratio})
            if finding.unusual:
                run.unusual += 1
                if rule.enabled and _open(check, finding, metric, rule.base_severity, rule.deadline_hours, now):
                    run.opened += 1
    return run


@transaction.atomic
def _open(check: PatternCheck, finding: Finding, metric: Metric, base: int, deadline_hours: int,
          now: datetime) -> bool:
    """One exception per store and family a week: a second unusual figure (the count beside the
    value) or the next run the same week adds its sentence to the one already open."""
    Store.objects.select_for_update().get(pk=check.store_id)  # two passes at once: one opens, one adds
    recent = (PatternCheck.objects.filter(
        store_id=check.store_id, family=check.family, exception__isnull=False,
        created_at__gte=now - timedelta(days=6)).select_related("exception").order_by("-created_at").first())
    if recent is not None and recent.exception is not None:
        exception = recent.exception
        PatternCheck.objects.filter(pk=check.pk).update(exception=exception)
        if check.explanation not in exception.detail and exception.opened_at == now:
            exception.detail = f"{exception.detail}; {check.explanation}"[:300]
            if "detail" in exception.wording and check.wording:
                exception.wording["detail"] = phrase("%(first)s; %(then)s", first=Stored(exception.wording["detail"]),
                                                     then=Stored(check.wording["explanation"])).data()
            exception.save(update_fields=["detail", "wording", "updated_at"])
        return False
    severity = min(int(Severity.CRITICAL), base + (1 if finding.score >= 2 * metric.threshold else 0))
    family = phrase("Unusual refunds") if metric.family == REFUNDS else phrase("Unusual stock adjustments")
    title = phrase("%(family)s: %(times)s%(x)s this store's usual week", family=family, times=_times(finding.ratio),
                   x=TIMES)
    exception = OpsException.objects.create(
        store=check.store, kind=ExceptionKind.UNUSUAL_PATTERN, odoo_model=EXCEPTION_MODEL, odoo_id=check.pk,
        title=title.english()[:200], detail=check.explanation[:300],
        wording={"title": title.data(), **({"detail": check.wording["explanation"]} if check.wording else {})},
        severity=severity, opened_at=now, started_at=now - timedelta(days=7),
        deadline=now + timedelta(hours=deadline_hours),
        value_at_risk=max(0, round(finding.current - finding.median, 2)) if metric.money else 0,
        quantity=round(finding.current, 3) if not metric.money else 0)
    PatternCheck.objects.filter(pk=check.pk).update(exception=exception)
    opened = ExceptionEvent.objects.create(exception=exception, action=EventAction.OPENED,
                                           to_status=ExceptionStatus.OPEN, severity=severity, at=now,
                                           note=check.explanation, data={
                                               "pattern_check": check.pk, "model_version": check.model_version,
                                               **({"note_phrase": check.wording["explanation"]} if check.wording
                                                  else {})})
    events.emit(ExceptionOpened(exception=exception, change=opened))
    panels_changed(store_id=check.store_id, topics=["exception"])
    return True
