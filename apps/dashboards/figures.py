"""The figures a dashboard shows for one store, one region or the whole network.

Counts are summed up the hierarchy (a region's open items are its stores' open items); ratios are
kept as numerator and denominator so they can be summed too; percentiles are never summed — each
level merges its stores' duration histograms (`histogram`) and reads its percentiles from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from apps.dashboards.histogram import Histogram, histogram_add, percentiles

# Figures that add up across stores (everything but percentiles and the per-source breakdown).
_ADDITIVE = ("open", "overdue", "opened", "finished", "due", "met", "exceptions_opened", "exceptions_closed",
             "directives_due", "directives_met", "due_prev", "met_prev", "opened_prev", "finished_prev",
             "exceptions_opened_prev", "exceptions_closed_prev", "directives_due_prev", "directives_met_prev",
             "decided", "resolved")


def ratio(numerator: int, denominator: int) -> float | None:
    """A percentage, or None when nothing was measured (shown as "no data", never as 0 %)."""
    return None if not denominator else 100.0 * numerator / denominator


@dataclass
class Figures:
    open: int = 0
    overdue: int = 0
    opened: int = 0
    finished: int = 0
    due: int = 0
    met: int = 0
    exceptions_opened: int = 0
    exceptions_closed: int = 0
    directives_due: int = 0
    directives_met: int = 0
    decided: int = 0
    resolved: int = 0
    cycle_p50: timedelta | None = None
    cycle_p90: timedelta | None = None
    resolution_p50: timedelta | None = None
    resolution_p90: timedelta | None = None
    # The previous period (network tiles only).
    opened_prev: int = 0
    finished_prev: int = 0
    due_prev: int = 0
    met_prev: int = 0
    exceptions_opened_prev: int = 0
    exceptions_closed_prev: int = 0
    directives_due_prev: int = 0
    directives_met_prev: int = 0
    cycle_p50_prev: timedelta | None = None
    cycle_p90_prev: timedelta | None = None
    resolution_p50_prev: timedelta | None = None
    resolution_p90_prev: timedelta | None = None
    by_source: dict[str, dict[str, int]] = field(default_factory=dict)
    # Duration histograms (bucket index -> count) the percentiles above are read from.
    histograms: dict[str, Histogram] = field(default_factory=dict)

    def absorb(self, source_key: str, row: dict[str, Any]) -> None:
        """Add one source's aggregate row (keys as named in `kpis`) to these figures."""
        names = {f.name for f in fields(self)}
        for key, value in row.items():
            if key in _ADDITIVE:
                setattr(self, key, getattr(self, key) + (value or 0))
            elif key in names and value is not None:
                setattr(self, key, value)
        counts = self.by_source.setdefault(source_key, {"open": 0, "overdue": 0})
        counts["open"] += row.get("open") or 0
        counts["overdue"] += row.get("overdue") or 0

    def add(self, other: Figures) -> None:
        """Sum another store's counts and histograms into these (a region from its stores); call
        `percentiles_read` once every store is in."""
        for name in _ADDITIVE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name, histogram in other.histograms.items():
            histogram_add(self.histograms.setdefault(name, {}), histogram)
        for key, counts in other.by_source.items():
            mine = self.by_source.setdefault(key, {"open": 0, "overdue": 0})
            mine["open"] += counts["open"]
            mine["overdue"] += counts["overdue"]

    @classmethod
    def total(cls, many: Iterable[Figures]) -> Figures:
        """The sum of several stores' figures (percentiles not read yet)."""
        total = cls()
        for figures in many:
            total.add(figures)
        return total

    def histogram(self, name: str) -> Histogram:
        return self.histograms.setdefault(name, {})

    def percentiles_read(self, fractions: tuple[int, ...] = (50, 90)) -> None:
        """`cycle_p50` etc. from the histograms (`cycle`, `cycle_prev`, `resolution`, ...)."""
        for name, histogram in self.histograms.items():
            base, _, suffix = name.partition("_")
            for p, value in zip(fractions, percentiles(histogram, [p / 100 for p in fractions]), strict=True):
                setattr(self, f"{base}_p{p}{'_' + suffix if suffix else ''}", value)

    @property
    def sla(self) -> float | None:
        return ratio(self.met, self.due)

    @property
    def sla_prev(self) -> float | None:
        return ratio(self.met_prev, self.due_prev)

    @property
    def closure(self) -> float | None:
        return ratio(self.exceptions_closed, self.exceptions_opened)

    @property
    def closure_prev(self) -> float | None:
        return ratio(self.exceptions_closed_prev, self.exceptions_opened_prev)

    @property
    def directives_on_time(self) -> float | None:
        return ratio(self.directives_met, self.directives_due)

    @property
    def directives_on_time_prev(self) -> float | None:
        return ratio(self.directives_met_prev, self.directives_due_prev)

    @property
    def missed(self) -> int:
        return self.due - self.met


@dataclass(frozen=True)
class Trend:
    """A change against the previous period, in words as well as an arrow (readable without colour)."""

    current: float | None
    previous: float | None
    higher_is_better: bool

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def direction(self) -> str:
        change = self.change
        if change is None or abs(change) < 1e-9:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def verdict(self) -> str:
        if self.direction == "flat":
            return "no change" if self.change is not None else "no comparison"
        better = (self.direction == "up") == self.higher_is_better
        return "better" if better else "worse"

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "flat": "▬"}[self.direction]


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    detail: str
    trend: Trend | None
    change_text: str
    definition: str
    status: str = ""  # "ok" / "warn" / "bad" when a target applies
    flag: str = ""  # what is wrong, in words (status is not told by colour alone)
    amount: float | None = None  # the raw figure in `unit`, for exports ("3.4 h" is 3.4, unit "hours")
    unit: str = ""  # "hours", "percent" or "count"
    previous_amount: float | None = None
