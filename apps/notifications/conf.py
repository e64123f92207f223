"""Settings of notifications and the morning digest, read strictly from the environment (see README)."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ImproperlyConfigured

from controltower import env


def _clock(name: str, default: str) -> time:
    raw = env.text(name, default)
    try:
        hours, minutes = (int(part) for part in raw.split(":"))
        return time(hours, minutes)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a local time as HH:MM (e.g. 07:30), not {raw!r}.") from exc


# Local time (each person's time zone, else the portal's) from which the morning digest is sent.
DIGEST_TIME = _clock("CT_DIGEST_TIME", "07:30")
# Seconds between the scheduler's looks for digests that are due.
DIGEST_CHECK_SECONDS = env.integer("CT_DIGEST_CHECK_SECONDS", 300, minimum=30)
# Items listed per digest section (the section still says how many there are).
DIGEST_ITEMS = env.integer("CT_DIGEST_ITEMS", 10, minimum=1)
# Days an e-mail's one-click unsubscribe link keeps working.
UNSUBSCRIBE_LINK_DAYS = env.integer("CT_UNSUBSCRIBE_LINK_DAYS", 60, minimum=1)
