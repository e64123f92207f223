"""Settings of store incidents, read strictly from the environment (see README "Store incidents").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from controltower import env


def _pairs(name: str, default: str) -> dict[str, str]:
    """`key:value,key:value` (e.g. a maintenance team per category); a malformed pair stops the start."""
    items = env.csv(name) if env.raw(name) is not None else default.split(",")
    pairs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise ImproperlyConfigured(f"{name}: {item!r} is not a 'category:name' pair.")
        pairs[key.strip()] = value.strip()
    return pairs


# Deadlines (SLA) per urgency, in hours from submission.
SLA_HOURS: dict[str, float] = {
    "low": env.decimal("CT_INCIDENT_SLA_HOURS_LOW", 168.0, minimum=0.1),
    "medium": env.decimal("CT_INCIDENT_SLA_HOURS_MEDIUM", 24.0, minimum=0.1),
    "high": env.decimal("CT_INCIDENT_SLA_HOURS_HIGH", 4.0, minimum=0.1),
    "critical": env.decimal("CT_INCIDENT_SLA_HOURS_CRITICAL", 1.0, minimum=0.1),
}
# An overdue incident goes to the regional manager at its deadline, and to HQ this long after it.
HQ_ESCALATION_HOURS = env.decimal("CT_INCIDENT_HQ_ESCALATION_HOURS", 4.0, minimum=0)
MAX_DEADLINE_EXTENSION_DAYS = env.integer("CT_INCIDENT_MAX_EXTENSION_DAYS", 30, minimum=1)

# Photos.
MAX_PHOTOS = env.integer("CT_INCIDENT_MAX_PHOTOS", 5, minimum=0)
PHOTO_MAX_BYTES = int(env.decimal("CT_INCIDENT_PHOTO_MAX_MB", 8.0, minimum=0.1) * 1024 * 1024)
PHOTO_MAX_SIDE = env.integer("CT_INCIDENT_PHOTO_MAX_SIDE", 2048, minimum=256)
# Pixels a photo may have (a phone's 12 MP fits): checked from the header before anything is decoded,
# so one photo never costs the web process more than about 64 MB (16 MP at 4 bytes) while decoding.
PHOTO_MAX_PIXELS = int(env.decimal("CT_INCIDENT_PHOTO_MAX_MEGAPIXELS", 16.0, minimum=0.1) * 1_000_000)

# Where incidents go in Odoo.
TASK_PROJECT = env.text("CT_INCIDENT_PROJECT", "Store incidents")
HELPDESK_TEAM = env.text("CT_INCIDENT_HELPDESK_TEAM")  # set: non-maintenance incidents become helpdesk tickets
MAINTENANCE_TEAMS = _pairs(
    "CT_INCIDENT_MAINTENANCE_TEAMS",
    "refrigeration:Refrigeration Contractors,facilities:Store Maintenance,pos_it:IT & Tills",
)

# The two-way thread and the store app.
THREAD_INTERVAL = env.decimal("CT_INCIDENT_THREAD_INTERVAL", 10.0, minimum=1)  # seconds between chatter pulls
THREAD_NOTES = env.flag("CT_INCIDENT_THREAD_NOTES", True)  # Odoo's logged notes shown to the store too
THREAD_FOLLOW_CLOSED_DAYS = env.integer("CT_INCIDENT_THREAD_CLOSED_DAYS", 14, minimum=0)

# Records Odoo opened for a store: up to this many new ones in a sync page become incidents in that
# page; more (a first import, a bulk import in Odoo) after its commit, on the sync queue.
ADOPT_INLINE_MAX = env.integer("CT_INCIDENT_ADOPT_INLINE_MAX", 50, minimum=0)

# Triage.
TRIAGE_PROVIDER = env.choice("CT_INCIDENT_TRIAGE_PROVIDER", "local", ("local", "http"))
TRIAGE_URL = env.url("CT_INCIDENT_TRIAGE_URL", schemes=("http", "https"))
TRIAGE_TOKEN = env.text("CT_INCIDENT_TRIAGE_TOKEN")
TRIAGE_TIMEOUT = env.decimal("CT_INCIDENT_TRIAGE_TIMEOUT", 2.0, minimum=0.05)
TRIAGE_MIN_CONFIDENCE = env.decimal("CT_INCIDENT_TRIAGE_MIN_CONFIDENCE", 0.5, minimum=0)
TRIAGE_MODEL_DIR = Path(env.text("CT_INCIDENT_TRIAGE_MODEL_DIR", str(Path(settings.VAR_DIR) / "triage")))
if TRIAGE_PROVIDER == "http" and not TRIAGE_URL:
    raise ImproperlyConfigured("CT_INCIDENT_TRIAGE_URL must be set when CT_INCIDENT_TRIAGE_PROVIDER=http.")
