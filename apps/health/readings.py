"""A reading is what one check saw for one signal; `signals_record` turns readings into rows and history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.events import emit
from apps.events.types import HealthSignalsChanged
from apps.health import conf
from apps.health.models import HealthEvent, HealthSignal, SignalStatus
from apps.portal.phrases import Phrase, Text, data_of, english, phrase

FIELDS = ["label", "category", "status", "rule", "detail", "wording", "value", "odoo_path", "action_url", "data",
          "observed_at", "changed_at", "retired_at"]


@dataclass
class Reading:
    """Label, rule and detail are phrases (apps.portal.phrases): kept in English and written in each
    reader's language on the page."""

    key: str
    label: Text
    category: str
    status: str
    rule: Text
    detail: Text = ""
    value: float | None = None
    odoo_path: str = ""
    action_url: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def graded(value: float, *, degraded: float, failing: float | None = None) -> str:
    """The status of a figure where more is worse."""
    if failing is not None and value >= failing:
        return SignalStatus.FAILING
    return SignalStatus.DEGRADED if value >= degraded else SignalStatus.OK


def ago(seconds: float | None) -> Phrase:
    if seconds is None:
        return phrase("never")
    seconds = max(0, int(seconds))
    if seconds < 120:
        return phrase("%(seconds)s s ago", seconds=seconds)
    if seconds < 7200:
        return phrase("%(minutes)s min ago", minutes=seconds // 60)
    return phrase("%(hours)s h ago", hours=seconds // 3600)


def reading_wording(reading: Reading) -> dict[str, Any]:
    """The phrases of a reading's texts, kept beside their English."""
    texts = (("label", reading.label), ("rule", reading.rule), ("detail", reading.detail))
    return {name: data for name, text in texts if (data := data_of(text))}


@transaction.atomic
def signals_record(readings: Iterable[Reading], *, categories: Iterable[str],
                   now: datetime | None = None) -> list[HealthSignal]:
    """Upsert the readings of one source (the categories it owns). A status change, a new signal or
    a return from retirement is a `HealthEvent`; signals of those categories that were not read
    any more are retired. Live viewers of the health page are told when a status changed."""
    now = now or timezone.now()
    categories = list(categories)
    existing = {s.key: s for s in HealthSignal.objects.select_for_update().filter(category__in=categories)}
    updated: list[HealthSignal] = []
    events: list[HealthEvent] = []
    signals: list[HealthSignal] = []
    for reading in readings:
        signal = existing.pop(reading.key, None)
        if signal is None:
            signal = HealthSignal.objects.filter(key=reading.key).first() or HealthSignal(key=reading.key)
            before = "" if signal.pk is None else signal.status
            _apply(signal, reading, now, changed=True)
            signal.save()
            events.append(_event(signal, reading, now, before))
        else:
            changed = signal.status != reading.status or signal.retired_at is not None
            if changed:
                events.append(_event(signal, reading, now, signal.status))
            _apply(signal, reading, now, changed=changed)
            updated.append(signal)
        signals.append(signal)
    for signal in existing.values():
        if signal.retired_at is None:
            signal.retired_at = now
            updated.append(signal)
    HealthSignal.objects.bulk_update(updated, FIELDS)
    HealthEvent.objects.bulk_create(events)
    if events:
        emit(HealthSignalsChanged(keys=tuple(event.signal.key for event in events)))
    return signals


def _event(signal: HealthSignal, reading: Reading, now: datetime, before: str) -> HealthEvent:
    wording = {name: data for name, data in reading_wording(reading).items() if name != "label"}
    return HealthEvent(signal=signal, at=now, from_status=before, to_status=reading.status,
                       rule=english(reading.rule)[:300], detail=english(reading.detail), wording=wording)


def _apply(signal: HealthSignal, reading: Reading, now: datetime, *, changed: bool) -> None:
    signal.label, signal.category, signal.status = english(reading.label)[:200], reading.category, reading.status
    signal.rule, signal.detail, signal.value = english(reading.rule)[:300], english(reading.detail), reading.value
    signal.wording = reading_wording(reading)
    signal.odoo_path, signal.action_url, signal.data = reading.odoo_path[:300], reading.action_url[:300], reading.data
    signal.observed_at, signal.retired_at = now, None
    if changed:
        signal.changed_at = now


def history_prune(*, now: datetime | None = None) -> int:
    """Status changes older than the kept window go (the signals themselves stay)."""
    cutoff = (now or timezone.now()) - timedelta(days=conf.HISTORY_DAYS)
    return HealthEvent.objects.filter(at__lt=cutoff).delete()[0]
