"""The held-out check: generated history (fixed seed) with injected anomalies, run through the same
detector as the periodic pass. `manage.py anomaly_eval` prints both figures; the suite asserts
that it finds at least 90 % of the injected anomalies with at most one false alert per 50 store-weeks.

The history is made per day, as the mirror holds it: every store has its own refund and adjustment
rates and sizes, weekends are busier, the whole network breathes week to week, and one week is busy
everywhere (a peer-wide rise that must not alert). Anomalies are single store-weeks: extra refunds
(most of them large and by one cashier) or a burst of stock adjustments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from apps.operations.patterns.detector import HISTORY_WEEKS, Metric, assess, ratio_of
from apps.operations.patterns.metrics import ADJUSTMENTS, REFUNDS, metrics

SEED = 20261206
WEEKDAY_SHAPE = (0.8, 0.8, 0.9, 1.0, 1.1, 1.5, 1.3)


@dataclass
class History:
    """Weekly totals per store and figure, and which store-weeks carry an injected anomaly (family)."""

    stores: int
    weeks: int
    totals: dict[str, np.ndarray] = field(default_factory=dict)  # metric → stores x weeks
    injected: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    injected: int
    found: int
    store_weeks: int
    false_alerts: int

    @property
    def recall(self) -> float:
        return self.found / self.injected if self.injected else 1.0

    @property
    def false_per_50(self) -> float:
        return 50 * self.false_alerts / self.store_weeks if self.store_weeks else 0.0


def history_generate(*, stores: int = 40, weeks: int = 30, anomalies: int = 50, seed: int = SEED) -> History:
    rng = np.random.default_rng(seed)
    history = History(stores=stores, weeks=weeks)
    network = rng.normal(1.0, 0.07, size=weeks)
    network[weeks // 2] *= 1.8  # a week that is busy everywhere
    candidates = [(s, w) for s in range(stores) for w in range(HISTORY_WEEKS, weeks) if w != weeks // 2]
    for index in rng.choice(len(candidates), size=anomalies, replace=False):
        history.injected[candidates[int(index)]] = REFUNDS if rng.random() < 0.6 else ADJUSTMENTS
    shape = np.array(WEEKDAY_SHAPE) / np.mean(WEEKDAY_SHAPE)
    for name in ("refund_value", "refund_count", "adjustment_value", "adjustment_count"):
        history.totals[name] = np.zeros((stores, weeks))
    for store in range(stores):
        refunds_a_day, refund_size = rng.uniform(1.5, 9), rng.uniform(30, 120)
        counts_a_day, count_size = rng.uniform(1.2, 4), rng.uniform(12, 60)
        for week in range(weeks):
            level = network[week]
            refunds = rng.poisson(refunds_a_day * level * shape)
            adjustments = rng.poisson(counts_a_day * level * shape)
            n_refunds, n_adjust = int(refunds.sum()), int(adjustments.sum())
            refund_value = float(rng.lognormal(np.log(refund_size), 0.6, size=n_refunds).sum())
            adjust_value = float(rng.lognormal(np.log(count_size), 0.7, size=n_adjust).sum())
            family = history.injected.get((store, week))
            if family == REFUNDS:
                extra = max(3, int(refunds_a_day * 7 * rng.uniform(1.0, 2.5)))
                n_refunds += extra
                refund_value += float(rng.lognormal(np.log(refund_size * rng.uniform(2, 4)), 0.4, size=extra).sum())
            elif family == ADJUSTMENTS:
                extra = max(6, int(counts_a_day * 7 * rng.uniform(1.5, 3)))
                n_adjust += extra
                adjust_value += float(rng.lognormal(np.log(count_size * rng.uniform(1.5, 3)), 0.5, size=extra).sum())
            history.totals["refund_count"][store, week] = n_refunds
            history.totals["refund_value"][store, week] = refund_value
            history.totals["adjustment_count"][store, week] = n_adjust
            history.totals["adjustment_value"][store, week] = adjust_value
    return history


def week_findings(history: History, metric: Metric, week: int) -> list[bool]:
    """Whether each store's `week` is unusual for `metric`, against its own 8 weeks before and its peers."""
    table = history.totals[metric.code]
    past = [list(table[store, week - HISTORY_WEEKS:week]) for store in range(history.stores)]
    ratios = [ratio_of(float(table[store, week]), past[store]) for store in range(history.stores)]
    return [assess(metric, float(table[store, week]), past[store],
                   [ratio for other, ratio in enumerate(ratios) if other != store]).unusual
            for store in range(history.stores)]


def evaluate(history: History | None = None) -> Evaluation:
    """Recall on the injected store-weeks (an alert of the injected family) and false alerts elsewhere."""
    history = history or history_generate()
    found = false_alerts = store_weeks = 0
    chosen = metrics()
    for week in range(HISTORY_WEEKS, history.weeks):
        flagged: dict[int, set[str]] = {}
        for metric in chosen:
            for store, unusual in enumerate(week_findings(history, metric, week)):
                if unusual:
                    flagged.setdefault(store, set()).add(metric.family)
        for store in range(history.stores):
            store_weeks += 1
            family = history.injected.get((store, week))
            if family is not None:
                found += int(family in flagged.get(store, set()))
            elif flagged.get(store):
                false_alerts += 1
    return Evaluation(injected=len(history.injected), found=found, store_weeks=store_weeks,
                      false_alerts=false_alerts)
