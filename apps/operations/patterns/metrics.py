"""The four weekly figures the detector watches, with their limits from the settings."""

from __future__ import annotations

from apps.operations import conf
from apps.operations.patterns.detector import Metric

REFUNDS, ADJUSTMENTS = "refunds", "adjustments"


def metrics() -> tuple[Metric, ...]:
    common = {"threshold": conf.PATTERNS_THRESHOLD, "min_ratio": conf.PATTERNS_MIN_RATIO}
    return (
        Metric("refund_value", REFUNDS, money=True, minimum=conf.PATTERNS_MIN_REFUND_VALUE, spread_floor=50, **common),
        Metric("refund_count", REFUNDS, money=False, minimum=conf.PATTERNS_MIN_REFUNDS, spread_floor=2, **common),
        Metric("adjustment_value", ADJUSTMENTS, money=True, minimum=conf.PATTERNS_MIN_ADJUSTMENT_VALUE,
               spread_floor=25, **common),
        Metric("adjustment_count", ADJUSTMENTS, money=False, minimum=conf.PATTERNS_MIN_ADJUSTMENTS, spread_floor=2,
               **common),
    )
