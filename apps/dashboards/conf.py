"""Dashboard settings, parsed strictly from the environment (see README "Dashboards").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from controltower import env

# The periods offered by the period selector, in days, and the one shown first.
PERIOD_DAYS: list[int] = sorted({int(days) for days in env.csv("CT_DASHBOARD_PERIODS", ["7", "30", "90"])
                                 if days.isdigit() and int(days) > 0})
if not PERIOD_DAYS:
    raise ImproperlyConfigured("CT_DASHBOARD_PERIODS must list whole numbers of days, e.g. 7,30,90.")
DEFAULT_PERIOD_DAYS = env.integer("CT_DASHBOARD_DEFAULT_PERIOD", PERIOD_DAYS[0], minimum=1)
if DEFAULT_PERIOD_DAYS not in PERIOD_DAYS:
    raise ImproperlyConfigured(f"CT_DASHBOARD_DEFAULT_PERIOD={DEFAULT_PERIOD_DAYS} must be one of "
                               f"CT_DASHBOARD_PERIODS ({', '.join(map(str, PERIOD_DAYS))}).")
# Periods longer than this are charted per week instead of per day.
DAILY_CHART_MAX_DAYS = env.integer("CT_DASHBOARD_DAILY_CHART_MAX_DAYS", 31, minimum=1)
# Rows in the store dashboard's lists and the HQ breach list (the counts above them are exact).
LIST_LIMIT = env.integer("CT_DASHBOARD_LIST_LIMIT", 25, minimum=1)
# How far back the store dashboard shows what the region and HQ did for the store.
ACTIVITY_DAYS = env.integer("CT_DASHBOARD_ACTIVITY_DAYS", 14, minimum=1)
# An SLA attainment below this is shown as a breach of the target (percent).
SLA_TARGET_PERCENT = env.integer("CT_DASHBOARD_SLA_TARGET", 90, minimum=0)
if SLA_TARGET_PERCENT > 100:
    raise ImproperlyConfigured(f"CT_DASHBOARD_SLA_TARGET={SLA_TARGET_PERCENT} must be a percentage (0-100).")

# Shared cache of computed figures (see apps/dashboards/cache.py): on when the cache is shared by all
# processes (Redis), off with the process-local default; 0 turns it off.
_SHARED_CACHE = not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
CACHE_SECONDS = env.integer("CT_DASHBOARD_CACHE_SECONDS", 60 if _SHARED_CACHE else 0, minimum=0)
# How long network-wide figures (HQ) may outlive a change: one computation per interval, not per change.
NETWORK_STALE_SECONDS = env.integer("CT_DASHBOARD_NETWORK_STALE_SECONDS", 10, minimum=0)
# Seconds between two refreshes of the dashboard rollups (closed days' figures, see rollups.py).
ROLLUP_INTERVAL = env.integer("CT_DASHBOARD_ROLLUP_INTERVAL", 60, minimum=0)
