"""Settings of workflow health, read strictly from the environment (see README)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from controltower import env

# Bearer token for the Prometheus endpoint /health/metrics; empty disables it (404).
METRICS_TOKEN = env.text("CT_METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("CT_METRICS_TOKEN must be at least 24 characters (or empty to disable /metrics).")

# Seconds between the Odoo checks (scheduled actions, failed emails, webhook rules).
CHECK_INTERVAL = env.integer("CT_HEALTH_CHECK_INTERVAL", 60, minimum=10)
# Seconds between worker heartbeats, and the age after which a silent worker counts as stopped.
HEARTBEAT_INTERVAL = env.integer("CT_HEALTH_HEARTBEAT_INTERVAL", 15, minimum=5)
HEARTBEAT_STALE_SECONDS = env.integer("CT_HEALTH_HEARTBEAT_STALE_SECONDS", 90, minimum=10)
# Seconds since a feed's last successful sync before it is degraded / failing.
SYNC_LAG_DEGRADED_SECONDS = env.integer("CT_HEALTH_SYNC_LAG_DEGRADED_SECONDS",
                                        max(120, 4 * settings.CT_SYNC_INTERVAL), minimum=10)
SYNC_LAG_FAILING_SECONDS = env.integer("CT_HEALTH_SYNC_LAG_FAILING_SECONDS", 900, minimum=30)
# Outbox: pending rows, or the oldest pending row's age, that make it degraded; failing after that age.
OUTBOX_DEPTH_DEGRADED = env.integer("CT_HEALTH_OUTBOX_DEPTH_DEGRADED", 50, minimum=1)
OUTBOX_AGE_DEGRADED_SECONDS = env.integer("CT_HEALTH_OUTBOX_AGE_DEGRADED_SECONDS", 300, minimum=10)
OUTBOX_AGE_FAILING_SECONDS = env.integer("CT_HEALTH_OUTBOX_AGE_FAILING_SECONDS", 1800, minimum=10)
# Celery queue depth that counts as degraded / failing.
QUEUE_DEPTH_DEGRADED = env.integer("CT_HEALTH_QUEUE_DEPTH_DEGRADED", 200, minimum=1)
QUEUE_DEPTH_FAILING = env.integer("CT_HEALTH_QUEUE_DEPTH_FAILING", 2000, minimum=1)
# A scheduled action whose nextcall is this many minutes in the past is overdue (degraded).
CRON_OVERDUE_MINUTES = env.integer("CT_HEALTH_CRON_OVERDUE_MINUTES", 60, minimum=1)
# Failed emails in Odoo: any is degraded, this many is failing.
MAIL_FAILING = env.integer("CT_HEALTH_MAIL_FAILING", 10, minimum=1)
# Webhook hints: rejections in the last hour that make it failing (one is degraded); the age of the
# oldest pending refetch that is degraded (failing at five times that).
REJECTIONS_FAILING = env.integer("CT_HEALTH_REJECTIONS_FAILING", 50, minimum=1)
HINT_AGE_DEGRADED_SECONDS = env.integer("CT_HEALTH_HINT_AGE_DEGRADED_SECONDS", 120, minimum=5)
# Seconds to wait for the channel layer and the broker when probing them.
PROBE_TIMEOUT_SECONDS = env.decimal("CT_HEALTH_PROBE_TIMEOUT_SECONDS", 2.0, minimum=0.1)
# The channel layer is judged over this many probes in a row: one slow probe on a busy machine is not an
# outage. The last probe failed → still ok (noted); two or more in a row → degraded; all of them → failing.
PROBE_SAMPLES = env.integer("CT_HEALTH_PROBE_SAMPLES", 3, minimum=1)
# Days of status changes kept.
HISTORY_DAYS = env.integer("CT_HEALTH_HISTORY_DAYS", 90, minimum=1)
