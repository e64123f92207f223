"""The Prometheus text exposition (format 0.0.4) of every health signal and a few business gauges."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count

from apps.health.models import STATUS_RANK, HealthSignal, SignalStatus
from apps.operations.models import ACTIVE_STATUSES, OpsException
from apps.writeback.models import WriteBack

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: object) -> str:
    return "{" + ",".join(f'{name}="{_label(value)}"' for name, value in labels.items()) + "}"


def _number(value: float) -> str:
    """Whole numbers without a fraction, others at full precision (timestamps must not be rounded)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[str, float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    lines += [f"{name}{labels} {_number(value)}" for labels, value in samples]
    return lines


def metrics_text(signals: list[HealthSignal]) -> str:
    worst = max((STATUS_RANK[SignalStatus(s.status)] for s in signals), default=0)
    writebacks = WriteBack.objects.values_list("status").annotate(n=Count("pk")).order_by()
    exceptions = OpsException.objects.filter(status__in=ACTIVE_STATUSES).values_list("kind", "severity") \
        .annotate(n=Count("pk")).order_by()
    lines = [
        *_family("controltower_health_status", "gauge", "Worst health signal status (0 ok, 1 degraded, 2 failing).",
                 [("", float(worst))]),
        *_family("controltower_health_signal_status", "gauge", "Status per signal (0 ok, 1 degraded, 2 failing).",
                 [(_labels(signal=s.key, category=s.category), float(STATUS_RANK[SignalStatus(s.status)]))
                  for s in signals]),
        *_family("controltower_health_signal_value", "gauge",
                 "The figure each signal measured (seconds, counts, failures; see the health page).",
                 [(_labels(signal=s.key, category=s.category), s.value) for s in signals if s.value is not None]),
        *_family("controltower_health_signal_observed_timestamp_seconds", "gauge", "When each signal was last read.",
                 [(_labels(signal=s.key), s.observed_at.timestamp()) for s in signals]),
        *_family("controltower_writebacks", "gauge", "Write-backs by status.",
                 [(_labels(status=status), float(n)) for status, n in writebacks]),
        *_family("controltower_exceptions_active", "gauge", "Open, acknowledged or snoozed exceptions.",
                 [(_labels(kind=kind, severity=severity), float(n)) for kind, severity, n in exceptions]),
    ]
    return "\n".join(lines) + "\n"
