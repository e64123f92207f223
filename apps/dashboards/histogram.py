"""Fixed duration histograms: percentiles from rollups, exact to the width of a bucket.

Bucket edges (the same for every store, day and kind, so histograms add up across stores and days):

| durations | bucket width |
|---|---|
| under 2 h | 5 minutes |
| 2 h to 24 h | 15 minutes |
| 24 h to 72 h | 1 hour |
| 72 h to 30 days | 6 hours |
| 30 days and over | one bucket, reported as 30 days |

A percentile is PostgreSQL's `percentile_cont` (linear interpolation between the two nearest ranks),
each rank's value estimated inside its bucket (the k-th of c values in a bucket [lo, hi) at
lo + k·(hi - lo)/c). Both the estimate and the true value lie in the same bucket, so the error is
below the width of the bucket holding the answer (5 min under 2 h, 15 min under 24 h, ...); a value
on an edge (a whole hour) is exact.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
_RANGES = ((2 * HOUR, 5 * MINUTE), (24 * HOUR, 15 * MINUTE), (72 * HOUR, HOUR), (30 * DAY, 6 * HOUR))


def _edges() -> tuple[int, ...]:
    edges, at = [], 0
    for until, width in _RANGES:
        while at < until:
            edges.append(at)
            at += width
    edges.append(at)  # the open-ended last bucket starts here
    return tuple(edges)


EDGES = _edges()
LAST = len(EDGES) - 1

Histogram = dict[int, int]


def bucket_of(seconds: float) -> int:
    """The bucket a duration falls in (a negative one, from clock skew, in the first)."""
    return max(0, bisect_right(EDGES, seconds) - 1)


def histogram_add(into: Histogram, other: Mapping[Any, int]) -> None:
    """Add a histogram (JSON keys are strings) into another."""
    for key, count in other.items():
        index = int(key)
        into[index] = into.get(index, 0) + count


def histogram_of(seconds: Iterable[float]) -> Histogram:
    result: Histogram = {}
    for value in seconds:
        index = bucket_of(value)
        result[index] = result.get(index, 0) + 1
    return result


def _rank_value(ordered: list[tuple[int, int]], rank: int) -> float:
    seen = 0
    for index, count in ordered:
        if rank < seen + count:
            low = EDGES[index]
            width = EDGES[index + 1] - low if index < LAST else 0
            return low + (rank - seen) * width / count
        seen += count
    raise IndexError(rank)


def percentile(histogram: Mapping[int, int], fraction: float) -> timedelta | None:
    """The continuous percentile of the durations counted, or None when there are none."""
    return percentiles(histogram, (fraction,))[0]


def percentiles(histogram: Mapping[int, int], fractions: Iterable[float]) -> list[timedelta | None]:
    """`percentile` of each fraction (the buckets sorted once)."""
    ordered = sorted((index, count) for index, count in histogram.items() if count)
    total = sum(count for _, count in ordered)
    result: list[timedelta | None] = []
    for fraction in fractions:
        if not total:
            result.append(None)
            continue
        position = fraction * (total - 1)
        low, high = math.floor(position), math.ceil(position)
        value = _rank_value(ordered, low)
        if high != low:
            value += (_rank_value(ordered, high) - value) * (position - low)
        result.append(timedelta(seconds=round(value, 3)))
    return result
