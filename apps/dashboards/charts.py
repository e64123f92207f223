"""Chart data for the vendored Chart.js, with the text alternative that stands in for it.

The browser draws the chart; the same figures are in a data table next to it and summarised in the
canvas's label, so the chart is readable by a screen reader and without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, ngettext

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
    """The chart's words (labels, legend, summary) are in the reader's language; month names included."""
    if period.bucket == "day":
        labels = [date_format(point.day, "d M") for point in points]
    else:
        labels = [gettext("week of %(day)s") % {"day": date_format(point.day, "d M")} for point in points]
    opened = sum(point.opened for point in points)
    finished = sum(point.finished for point in points)
    values = {"scope": scope, "period": period.label, "opened": opened, "finished": finished}
    if period.bucket == "day":
        summary = ngettext("Work in and out for %(scope)s over %(period)s, per day: %(opened)d item opened, "
                           "%(finished)d finished.",
                           "Work in and out for %(scope)s over %(period)s, per day: %(opened)d items opened, "
                           "%(finished)d finished.", opened) % values
    else:
        summary = ngettext("Work in and out for %(scope)s over %(period)s, per week: %(opened)d item opened, "
                           "%(finished)d finished.",
                           "Work in and out for %(scope)s over %(period)s, per week: %(opened)d items opened, "
                           "%(finished)d finished.", opened) % values
    if points:
        busiest = max(points, key=lambda point: point.opened)
        if busiest.opened:
            summary += " " + gettext("Most opened on %(day)s (%(opened)d).") % {
                "day": labels[points.index(busiest)], "opened": busiest.opened}
    data = {"labels": labels, "datasets": [
        {"label": gettext("Opened"), "data": [point.opened for point in points], "pattern": "solid"},
        {"label": gettext("Finished"), "data": [point.finished for point in points], "pattern": "dashed"},
    ]}
    title = gettext("Opened and finished per day") if period.bucket == "day" else gettext(
        "Opened and finished per week")
    return TrendChart(element_id=f"trend-data-{period.key}", title=title,
                      summary=summary, points=points, bucket=period.bucket, data=data)
