"""Chart data for the vendored Chart.js, with the text alternative that stands in for it.

The browser draws the chart; the same figures are in a data table next to it and summarised in the
canvas's label, so the chart is readable by a screen reader and without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.dashboards.kpis import TrendPoint
from apps.dashboards.periods import Period


@dataclass(frozen=True)
class TrendChart:
    element_id: str
    title: str
    summary: str
    points: list[TrendPoint]
    bucket: str
    data: dict[str, Any]


def trend_chart(points: list[TrendPoint], period: Period, scope: str) -> TrendChart:
    fmt = "%d %b" if period.bucket == "day" else "week of %d %b"
    labels = [point.day.strftime(fmt) for point in points]
    opened = sum(point.opened for point in points)
    finished = sum(point.finished for point in points)
    summary = f"Work in and out for {scope} over {period.label}, per {period.bucket}: {opened} items opened, " \
              f"{finished} finished."
    if points:
        busiest = max(points, key=lambda point: point.opened)
        if busiest.opened:
            summary += f" Most opened on {labels[points.index(busiest)]} ({busiest.opened})."
    data = {"labels": labels, "datasets": [
        {"label": "Opened", "data": [point.opened for point in points], "pattern": "solid"},
        {"label": "Finished", "data": [point.finished for point in points], "pattern": "dashed"},
    ]}
    return TrendChart(element_id=f"trend-data-{period.key}", title=f"Opened and finished per {period.bucket}",
                      summary=summary, points=points, bucket=period.bucket, data=data)
