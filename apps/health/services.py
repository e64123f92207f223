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
from apps.health.models import ODOO_CATEGORIES, HealthSignal, SignalCategory, SignalStatus, WorkerHeartbeat
from apps.health.readings import Reading, history_prune, signals_record
from apps.integration.selectors import Readiness
from apps.odoo_gateway import OdooGateway, get_gateway
from apps.portal.phrases import phrase

logger = logging.getLogger(__name__)
# The readiness signal has its own source (`odoo_setup` and its periodic re-check): neither pass retires it.
PORTAL_CATEGORIES = tuple(c for c in SignalCategory if c not in (*ODOO_CATEGORIES, SignalCategory.ODOO_READINESS))


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


def readiness_record(report: Readiness, *, now: datetime | None = None) -> list[HealthSignal]:
    """The `odoo_setup` report as one signal: missing → failing, only warnings → degraded."""
    status = SignalStatus.FAILING if report.missing else SignalStatus.DEGRADED if report.warnings else SignalStatus.OK
    # The findings are `odoo_setup`'s own report, in English like the command.
    detail = report.summary() if report.ready and not report.warnings else \
        phrase("%(summary)s. Details and fixes: %(command)s", summary=report.summary(),
               command="python manage.py odoo_setup --check")
    reading = Reading("odoo.readiness", phrase("Odoo integration readiness"), SignalCategory.ODOO_READINESS, status,
                      phrase("a missing right, field, target or store mapping → failing; warnings only → degraded"),
                      detail=detail, value=float(len(report.missing)),
                      data={"missing": [f.text for f in report.missing], "warnings": [f.text for f in report.warnings]})
    return signals_record([reading], categories=[SignalCategory.ODOO_READINESS], now=now)


@transaction.atomic
def heartbeat_record(*, worker: str, queue: str = "", now: datetime | None = None) -> WorkerHeartbeat:
    """A worker says it is alive, through `queue`; workers silent for a day are forgotten (scaled down,
    renamed)."""
    now = now or timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(worker=worker[:200], queue=queue[:50],
                                                       defaults={"beat_at": now, "pid": os.getpid()})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return beat
