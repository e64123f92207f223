"""Running the health checks and recording what they saw.

The Odoo checks need RPC and run on the worker every `CT_HEALTH_CHECK_INTERVAL` seconds. The portal
checks are database reads and two short probes: they also run whenever someone opens the health page,
the JSON endpoint or the metrics, so a stopped worker shows as failing even though it can no longer
record anything itself.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.health.checks_odoo import odoo_checks_freshness, odoo_readings
from apps.health.checks_portal import portal_readings
from apps.health.models import ODOO_CATEGORIES, HealthSignal, SignalCategory, WorkerHeartbeat
from apps.health.readings import history_prune, signals_record
from apps.odoo_gateway import OdooGateway, get_gateway

logger = logging.getLogger(__name__)
PORTAL_CATEGORIES = tuple(c for c in SignalCategory if c not in ODOO_CATEGORIES)


def health_check_portal(*, now: datetime | None = None) -> list[HealthSignal]:
    now = now or timezone.now()
    connection = {s.key: s for s in HealthSignal.objects.filter(key="odoo.connection")}
    readings = [*portal_readings(now=now), odoo_checks_freshness(connection, now=now)]
    return signals_record(readings, categories=PORTAL_CATEGORIES, now=now)


def health_check_odoo(*, gateway: OdooGateway | None = None, now: datetime | None = None) -> list[HealthSignal]:
    """Read Odoo's scheduled actions, failed emails and webhook rules. When Odoo does not answer only
    the connection signal changes: the others keep their last reading instead of being retired."""
    now = now or timezone.now()
    previous = {s.key: s for s in HealthSignal.objects.filter(category__in=ODOO_CATEGORIES)}
    readings = odoo_readings(gateway or get_gateway(), now=now, previous=previous)
    partial = any(r.data.get("partial") for r in readings)
    categories = (SignalCategory.ODOO_CONNECTION,) if partial else ODOO_CATEGORIES
    return signals_record(readings, categories=categories, now=now)


def health_check_all(*, gateway: OdooGateway | None = None) -> None:
    """The periodic pass: Odoo first, so the portal pass sees a fresh Odoo check."""
    health_check_odoo(gateway=gateway)
    health_check_portal()
    history_prune()


@transaction.atomic
def heartbeat_record(*, worker: str, now: datetime | None = None) -> WorkerHeartbeat:
    """A worker says it is alive; workers silent for a day are forgotten (scaled down, renamed)."""
    now = now or timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(worker=worker[:200],
                                                       defaults={"beat_at": now, "pid": os.getpid()})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return beat
