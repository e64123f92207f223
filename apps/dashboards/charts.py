"""Chart data for the vendored Chart.js, with the text alternative that stands in for it.

The browser draws the chart; the same figures are in a data table next to it and summarised in the
canvas's label, so the chart is readable by a screen reader and without colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import dateformat
from django.utils.translation import gettext as _

from apps.dashboards.kpis import TrendPoint
from apps.dashboards.periods import Period
from apps.portal.formats import number_text


@dataclass(frozen=True)
class TrendChart:
    element_id: str
    title: str
    summary: str
    points: list[TrendPoint]
    bucket: str
    data: dict[str, Any]


def trend_chart(points: list[TrendPoint], period: Period, scope: str) -> TrendChart:
    """`scope` names what the chart covers, in the reader's words ("the network", "region North")."""
    if period.bucket == "day":
        labels = [dateformat.format(point.day, "j M") for point in points]
    else:
        labels = [_("week of %(day)s") % {"day": dateformat.format(point.day, "j M")} for point in points]
    opened = sum(point.opened for point in points)
    finished = sum(point.finished for point in points)
    words = {"scope": scope, "period": period.label, "opened": number_text(opened), "finished": number_text(finished)}
    summary = (_("Work in and out for %(scope)s over %(period)s, per day: %(opened)s items opened, "
                 "%(finished)s finished.") if period.bucket == "day" else
               _("Work in and out for %(scope)s over %(period)s, per week: %(opened)s items opened, "
                 "%(finished)s finished.")) % words
    if points:
        busiest = max(points, key=lambda point: point.opened)
        if busiest.opened:
            summary += " " + _("Most opened on %(day)s (%(count)s).") % {
                "day": labels[points.index(busiest)], "count": number_text(busiest.opened)}
    data = {"labels": labels, "datasets": [
        {"label": _("Opened"), "data": [point.opened for point in points], "pattern": "solid"},
        {"label": _("Finished"), "data": [point.finished for point in points], "pattern": "dashed"},
    ]}
    title = _("Opened and finished per day") if period.bucket == "day" else _("Opened and finished per week")
    return TrendChart(element_id=f"trend-data-{period.key}", title=title,
                      summary=summary, points=points, bucket=period.bucket, data=data)
