"""KPI tiles: a figure, its trend against the previous period in words, and its definition."""

from __future__ import annotations

from datetime import timedelta

from apps.dashboards import conf
from apps.dashboards.figures import Figures, Tile, Trend
from apps.dashboards.formatting import duration_text, percent_text
from apps.dashboards.periods import Period


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _change(trend: Trend, unit: str, period: Period) -> str:
    if trend.change is None:
        return f"no figure for {period.previous_label}"
    if unit == "duration":
        amount = duration_text(timedelta(seconds=abs(trend.change)))
    elif unit == "percent":
        points = f"{abs(trend.change):.0f}"
        amount = f"{points} point{'' if points == '1' else 's'}"
    else:
        amount = f"{abs(trend.change):.0f}"
    if trend.direction == "flat":
        return f"same as {period.previous_label}"
    return f"{trend.arrow} {amount} {'more' if trend.direction == 'up' else 'less'} than {period.previous_label} " \
           f"({trend.verdict})"


BELOW_TARGET = "Below target"


def _target(value: float | None) -> str:
    if value is None:
        return ""
    return "ok" if value >= conf.SLA_TARGET_PERCENT else "bad"


def network_tiles(f: Figures, period: Period) -> list[Tile]:
    """The HQ tiles. Durations: lower is better; rates: higher is better."""
    tiles = []
    specs = [
        ("cycle", "Approval cycle time", duration_text(f.cycle_p50),
         f"median · p90 {duration_text(f.cycle_p90)} · {f.decided} decided",
         Trend(_seconds(f.cycle_p50), _seconds(f.cycle_p50_prev), False), "duration",
         "Request to decision (p50 and p90), over requests decided in the period.", ""),
        ("resolution", "Incident resolution time", duration_text(f.resolution_p50),
         f"median · p90 {duration_text(f.resolution_p90)} · {f.resolved} resolved",
         Trend(_seconds(f.resolution_p50), _seconds(f.resolution_p50_prev), False), "duration",
         "Report to resolution (p50 and p90), over incidents resolved in the period.", ""),
        ("closure", "Exception closure rate", percent_text(f.closure),
         f"{f.exceptions_closed} of {f.exceptions_opened} opened", Trend(f.closure, f.closure_prev, True),
         "percent", "Of the exceptions opened in the period, the share closed by its end.", ""),
        ("sla", "SLA attainment", percent_text(f.sla), f"{f.met} of {f.due} due on time · target "
         f"{conf.SLA_TARGET_PERCENT} %", Trend(f.sla, f.sla_prev, True), "percent",
         "Of the items due in the period, the share finished by their deadline.", _target(f.sla)),
        ("directives", "On-time directive completion", percent_text(f.directives_on_time),
         f"{f.directives_met} of {f.directives_due} due", Trend(f.directives_on_time, f.directives_on_time_prev, True),
         "percent", "Of the store copies of directives due in the period, the share done (approved) from a "
         "submission by their due time.", ""),
        ("opened", "New items", str(f.opened), f"{f.open} open now · {f.overdue} overdue",
         Trend(float(f.opened), float(f.opened_prev), False), "count",
         "Approvals, incidents and exceptions opened in the period.", "bad" if f.overdue else "ok"),
    ]
    flags = {"sla": BELOW_TARGET, "opened": f"{f.overdue} overdue"}
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

    return [
        tile("open", "Open items", str(f.open), (f.open, "count"), ", ".join(
            f"{key} {counts['open']}" for key, counts in sorted(f.by_source.items())) or "nothing open",
             "Approvals, incidents and exceptions waiting now."),
        tile("overdue", "Overdue", str(f.overdue), (f.overdue, "count"), "open and past the deadline",
             "Open and past the deadline.", "bad" if f.overdue else "ok", "Act now"),
        tile("sla", "SLA attainment", percent_text(f.sla), (f.sla, "percent"), f"{f.met} of {f.due} due in "
             f"{period.label}", "Of the items due in the period, the share finished by their deadline.",
             _target(f.sla), BELOW_TARGET),
        tile("resolution", "Incident resolution", duration_text(f.resolution_p50),
             (_seconds(f.resolution_p50), "duration"), f"median · {f.resolved} resolved",
             "Report to resolution, incidents resolved in the period."),
    ]
