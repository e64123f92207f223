"""KPI tiles: a figure, its trend against the previous period in words, and its definition."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.dashboards import conf
from apps.dashboards.figures import Figures, Tile, Trend
from apps.dashboards.formatting import duration_text, percent_text
from apps.dashboards.periods import Period
from apps.portal.formats import number_text


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


VERDICTS = {"better": gettext_lazy("better"), "worse": gettext_lazy("worse"),
            "no change": gettext_lazy("no change"), "no comparison": gettext_lazy("no comparison")}


def _change(trend: Trend, unit: str, period: Period) -> str:
    if trend.change is None:
        return _("no figure for %(previous)s") % {"previous": period.previous_label}
    if unit == "duration":
        amount = duration_text(timedelta(seconds=abs(trend.change)))
    elif unit == "percent":
        points = round(abs(trend.change))
        amount = ngettext("%(points)s point", "%(points)s points", points) % {"points": number_text(points)}
    else:
        amount = number_text(round(abs(trend.change)))
    if trend.direction == "flat":
        return _("same as %(previous)s") % {"previous": period.previous_label}
    words = {"arrow": trend.arrow, "amount": amount, "previous": period.previous_label,
             "verdict": VERDICTS.get(trend.verdict, trend.verdict)}
    if trend.direction == "up":
        return _("%(arrow)s %(amount)s more than %(previous)s (%(verdict)s)") % words
    return _("%(arrow)s %(amount)s less than %(previous)s (%(verdict)s)") % words


BELOW_TARGET = gettext_lazy("Below target")


def _target(value: float | None) -> str:
    if value is None:
        return ""
    return "ok" if value >= conf.SLA_TARGET_PERCENT else "bad"


def network_tiles(f: Figures, period: Period) -> list[Tile]:
    """The HQ tiles. Durations: lower is better; rates: higher is better."""
    tiles = []
    n = number_text
    specs = [
        ("cycle", _("Approval cycle time"), duration_text(f.cycle_p50),
         _("median · p90 %(p90)s · %(count)s decided") % {"p90": duration_text(f.cycle_p90), "count": n(f.decided)},
         Trend(_seconds(f.cycle_p50), _seconds(f.cycle_p50_prev), False), "duration",
         _("Request to decision (p50 and p90), over requests decided in the period."), ""),
        ("resolution", _("Incident resolution time"), duration_text(f.resolution_p50),
         _("median · p90 %(p90)s · %(count)s resolved") % {"p90": duration_text(f.resolution_p90),
                                                            "count": n(f.resolved)},
         Trend(_seconds(f.resolution_p50), _seconds(f.resolution_p50_prev), False), "duration",
         _("Report to resolution (p50 and p90), over incidents resolved in the period."), ""),
        ("closure", _("Exception closure rate"), percent_text(f.closure),
         _("%(closed)s of %(opened)s opened") % {"closed": n(f.exceptions_closed), "opened": n(f.exceptions_opened)},
         Trend(f.closure, f.closure_prev, True),
         "percent", _("Of the exceptions opened in the period, the share closed by its end."), ""),
        ("sla", _("SLA attainment"), percent_text(f.sla),
         _("%(met)s of %(due)s due on time · target %(target)s") % {
             "met": n(f.met), "due": n(f.due), "target": percent_text(conf.SLA_TARGET_PERCENT)},
         Trend(f.sla, f.sla_prev, True), "percent",
         _("Of the items due in the period, the share finished by their deadline."), _target(f.sla)),
        ("directives", _("On-time directive completion"), percent_text(f.directives_on_time),
         _("%(met)s of %(due)s due") % {"met": n(f.directives_met), "due": n(f.directives_due)},
         Trend(f.directives_on_time, f.directives_on_time_prev, True),
         "percent", _("Of the store copies of directives due in the period, the share done (approved) from a "
                      "submission by their due time."), ""),
        ("opened", _("New items"), n(f.opened),
         _("%(open)s open now · %(overdue)s overdue") % {"open": n(f.open), "overdue": n(f.overdue)},
         Trend(float(f.opened), float(f.opened_prev), False), "count",
         _("Approvals, incidents and exceptions opened in the period."), "bad" if f.overdue else "ok"),
    ]
    flags = {"sla": str(BELOW_TARGET), "opened": _("%(overdue)s overdue") % {"overdue": n(f.overdue)}}
    for key, label, value, detail, trend, unit, definition, status in specs:
        tiles.append(Tile(key=key, label=label, value=value, detail=detail, trend=trend,
                          change_text=_change(trend, unit, period), definition=definition, status=status,
                          flag=flags.get(key, "") if status == "bad" else "", unit=EXPORT_UNITS[unit],
                          amount=_raw(trend.current, unit), previous_amount=_raw(trend.previous, unit)))
    return tiles


# The trend's units as an export names them; durations are exported in hours.
EXPORT_UNITS = {"duration": "hours", "percent": "percent", "count": "count"}


def _raw(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return round(value / 3600, 2) if unit == "duration" else round(value, 2)


def store_tiles(f: Figures, period: Period) -> list[Tile]:
    """A store's figures at a glance (no trend: a store manager acts on what is open now)."""
    def tile(key: str, label: str, value: str, raw: tuple[float | None, str], detail: str, definition: str,
             status: str = "", flag: str = "") -> Tile:
        return Tile(key=key, label=label, value=value, detail=detail, trend=None, change_text="",
                    definition=definition, status=status, flag=flag if status == "bad" else "",
                    amount=_raw(raw[0], raw[1]), unit=EXPORT_UNITS[raw[1]])

    n = number_text
    return [
        tile("open", _("Open items"), n(f.open), (f.open, "count"), ", ".join(
            f"{SOURCE_WORDS.get(key, key)} {n(counts['open'])}" for key, counts in sorted(f.by_source.items()))
             or _("nothing open"), _("Approvals, incidents and exceptions waiting now.")),
        tile("overdue", _("Overdue"), n(f.overdue), (f.overdue, "count"), _("open and past the deadline"),
             _("Open and past the deadline."), "bad" if f.overdue else "ok", _("Act now")),
        tile("sla", _("SLA attainment"), percent_text(f.sla), (f.sla, "percent"),
             _("%(met)s of %(due)s due in %(period)s") % {"met": n(f.met), "due": n(f.due), "period": period.label},
             _("Of the items due in the period, the share finished by their deadline."),
             _target(f.sla), str(BELOW_TARGET)),
        tile("resolution", _("Incident resolution"), duration_text(f.resolution_p50),
             (_seconds(f.resolution_p50), "duration"), _("median · %(count)s resolved") % {"count": n(f.resolved)},
             _("Report to resolution, incidents resolved in the period.")),
    ]


# The sources' keys as a store's tile names them.
SOURCE_WORDS = {"approvals": gettext_lazy("approvals"), "incidents": gettext_lazy("incidents"),
                "exceptions": gettext_lazy("exceptions")}
