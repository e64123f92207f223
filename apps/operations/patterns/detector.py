"""The detector itself, pure arithmetic on weekly totals (no database), so the held-out check runs
it on generated history exactly as the periodic pass runs it on the mirror.

A week is unusual for a store when, for one figure (refund count or value, applied stock adjustments
or the value of their differences):

- it is large enough to matter (`minimum`, so a quiet store's 1 → 3 refunds never alerts);
- its robust score against the store's own last eight weeks, (x - median) / (1.4826 x MAD), reaches
  the threshold; the spread is floored at a share of the median so a very steady store is not
  alerted on by a small wobble;
- it is at least `min_ratio` times the store's median;
- and it stands out from its peers: the store's ratio to its own median against the other stores'
  ratios this week (robust score on logarithms), and still `min_ratio` times the peers' median
  ratio, so a week that is busy everywhere (Christmas returns) is not one store's anomaly. Without
  enough peers (three) this last test is skipped.

Only rises are flagged: fewer refunds than usual is not a risk.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

MODEL_VERSION = "robust-mad-1"
HISTORY_WEEKS = 8
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class Metric:
    """One weekly figure and the limits that make it worth a person's look."""

    code: str
    family: str  # refunds | adjustments: one exception per store, family and week
    money: bool
    minimum: float
    threshold: float = 3.5
    min_ratio: float = 2.0
    peer_threshold: float = 2.0
    spread_floor_share: float = 0.15  # the spread is at least this share of the median
    spread_floor: float = 1.0  # and at least this much (a count of 1, one unit of money)


@dataclass(frozen=True)
class Finding:
    """What the detector made of one figure of one store-week, with every number it used."""

    metric: str
    current: float
    median: float
    mad: float
    score: float
    ratio: float
    peer_ratio_median: float | None
    peer_score: float | None
    unusual: bool
    reason: str  # why it is (not) unusual, for the log

    def inputs(self) -> dict[str, object]:
        return {"current": round(self.current, 2), "median": round(self.median, 2), "mad": round(self.mad, 2),
                "score": round(self.score, 2),
                # a store with no usual week has an infinite ratio: JSON has no Infinity (as the check's column)
                "ratio": round(min(self.ratio, 1e6), 2),
                "peer_ratio_median": None if self.peer_ratio_median is None else round(self.peer_ratio_median, 2),
                "peer_score": None if self.peer_score is None else round(self.peer_score, 2),
                "reason": self.reason}


def ratio_of(current: float, history: Sequence[float]) -> float:
    """This week against the store's median week (a store with no history has ratio 1: nothing to say)."""
    median = statistics.median(history) if history else 0.0
    if median <= 0:
        return 1.0 if current <= 0 else float("inf")
    return current / median


def assess(metric: Metric, current: float, history: Sequence[float], peer_ratios: Sequence[float] = ()
           ) -> Finding:
    """Score one store-week; `peer_ratios` are the other stores' this-week ratios for the same figure."""
    if len(history) < HISTORY_WEEKS // 2:
        return Finding(metric.code, current, 0.0, 0.0, 0.0, 1.0, None, None, False, "too little history")
    median = statistics.median(history)
    mad = statistics.median(abs(value - median) for value in history)
    spread = max(MAD_TO_SIGMA * mad, metric.spread_floor_share * median, metric.spread_floor)
    score = (current - median) / spread
    ratio = ratio_of(current, history)
    peer_median = peer_score = None
    finite = [value for value in peer_ratios if 0 < value < float("inf")]
    if len(finite) >= 3 and 0 < ratio < float("inf"):
        logs = [math.log(value) for value in finite]
        centre = statistics.median(logs)
        peer_spread = max(MAD_TO_SIGMA * statistics.median(abs(value - centre) for value in logs), 0.15)
        peer_median, peer_score = math.exp(centre), (math.log(ratio) - centre) / peer_spread
    if current < metric.minimum:
        reason = "below the minimum volume"
    elif score < metric.threshold:
        reason = "within the store's usual range"
    elif ratio < metric.min_ratio:
        reason = "less than the minimum ratio to the store's median"
    elif peer_median is not None and ((peer_score is not None and peer_score < metric.peer_threshold)
                                      or ratio / peer_median < metric.min_ratio):
        reason = "peers rose alike"
    else:
        reason = "unusual"
    return Finding(metric.code, current, median, mad, score, ratio, peer_median, peer_score, reason == "unusual",
                   reason)
