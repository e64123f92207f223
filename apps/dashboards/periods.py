"""The period a dashboard reports on, and the one before it for trends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dashboards import conf


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class PeriodError(ValueError):
    """A period the selector does not offer (answered with 400, nothing computed)."""


@dataclass(frozen=True)
class Period:
    """The last `days` local days, today included: `[start, end)` from the midnight `days - 1` days
    before today to now, and the window of as many whole days before it. Whole days, so the closed
    days are read from the daily rollups and only today from the rows."""

    days: int
    end: datetime

    @property
    def today(self) -> date:
        return timezone.localtime(self.end).date()

    @property
    def first_day(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @property
    def previous_first_day(self) -> date:
        return self.first_day - timedelta(days=self.days)

    @property
    def today_start(self) -> datetime:
        return _midnight(self.today)

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def previous_start(self) -> datetime:
        return _midnight(self.previous_first_day)

    @property
    def key(self) -> str:
        return f"{self.days}d"

    @property
    def label(self) -> str:
        return ngettext("the last day", "the last %(days)d days", self.days) % {"days": self.days}

    @property
    def previous_label(self) -> str:
        return ngettext("the day before", "the %(days)d days before", self.days) % {"days": self.days}

    @property
    def bucket(self) -> str:
        """Charts go per day for short periods and per week for long ones, so a chart stays readable."""
        return "day" if self.days <= conf.DAILY_CHART_MAX_DAYS else "week"

    def choices(self) -> list[tuple[str, str, bool]]:
        return [(f"{days}d", ngettext("%(days)d day", "%(days)d days", days) % {"days": days}, days == self.days)
                for days in conf.PERIOD_DAYS]


def period_parse(raw: str | None, *, now: datetime | None = None) -> Period:
    """`7d` or `7` → the last 7 days. Empty → the default period. Anything not offered → PeriodError."""
    now = now or timezone.now()
    text = (raw or "").strip().lower().removesuffix("d")
    if not text:
        return Period(days=conf.DEFAULT_PERIOD_DAYS, end=now)
    if not text.isdigit() or int(text) not in conf.PERIOD_DAYS:
        offered = ", ".join(f"{days}d" for days in conf.PERIOD_DAYS)
        raise PeriodError(_("Unknown period “%(period)s”: choose one of %(offered)s.")
                          % {"period": (raw or "")[:20], "offered": offered})
    return Period(days=int(text), end=now)
