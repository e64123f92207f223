"""Reads for the health page, the JSON endpoint and the metrics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from apps.health.models import STATUS_RANK, HealthEvent, HealthSignal, SignalCategory, SignalStatus
from apps.organisation.roles import Action
from apps.writeback.models import WriteBack, WriteBackStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

REPLAYABLE = (WriteBackStatus.DEAD, WriteBackStatus.FAILED, WriteBackStatus.CONFLICT)


@dataclass(frozen=True)
class SignalGroup:
    category: str
    label: str
    status: str
    signals: list[HealthSignal]


def current_signals() -> list[HealthSignal]:
    return list(HealthSignal.objects.filter(retired_at__isnull=True).order_by("category", "key"))


def worst(signals: list[HealthSignal]) -> str:
    if not signals:
        return SignalStatus.OK
    return max((s.status for s in signals), key=lambda status: STATUS_RANK[SignalStatus(status)])


def grouped(signals: list[HealthSignal]) -> list[SignalGroup]:
    """Signals by category in a fixed order, failing ones first inside each group."""
    groups = []
    for category in SignalCategory:
        members = sorted((s for s in signals if s.category == category), key=lambda s: (-s.rank, s.label))
        if members:
            groups.append(SignalGroup(category.value, str(category.label), worst(members), members))
    return groups


def recent_history(limit: int = 50) -> list[HealthEvent]:
    """Recent status changes; a signal first seen healthy is not news, so it is left out here."""
    return list(HealthEvent.objects.exclude(from_status="", to_status=SignalStatus.OK).select_related("signal")
                .order_by("-at", "-pk")[:limit])


def signal_history(signal: HealthSignal, limit: int = 200) -> list[HealthEvent]:
    return list(signal.events.order_by("-at", "-pk")[:limit])


def replayable_writebacks(user: User | AnonymousUser, limit: int = 20) -> QuerySet[WriteBack]:
    return WriteBack.objects.for_user(user, Action.VIEW).filter(status__in=REPLAYABLE) \
        .select_related("store").order_by("-updated_at")[:limit]


def signal_payload(signal: HealthSignal) -> dict[str, Any]:
    return {
        "key": signal.key, "label": signal.label_text, "category": signal.category, "status": signal.status,
        "rule": signal.rule_text, "detail": signal.detail_text, "value": signal.value,
        "observed_at": signal.observed_at.isoformat(), "changed_at": signal.changed_at.isoformat(),
        "odoo_url": signal.odoo_url or None, "action_url": signal.action_url or None,
    }
