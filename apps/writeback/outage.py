"""Waiting out an Odoo outage: the outbox pauses, one worker at a time probes, and everything resumes
in order once Odoo answers.

An unreachable Odoo (refused connection, timeout, 5xx) is not a reason to give up on a decision: an
upgrade or a restart takes minutes to hours. So "unavailable" never counts toward the dead letter;
rows wait until Odoo answers or until they have waited longer than CT_WRITEBACK_OUTAGE_WINDOW_HOURS
(see `services.writebacks_expire`).

A row failing as unavailable is followed by a cheap probe call: a blip, or a record Odoo fails on,
leaves the rest of the outbox running; only when the probe fails too is Odoo down, and the outbox
pauses. The probe is a read, not a row, so one bad row never holds the queue.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps import events
from apps.events.types import WriteBackDeferred
from apps.odoo_gateway import OdooError, OdooGateway, OdooUnavailable
from apps.portal.phrases import phrase
from apps.writeback.models import PENDING, OdooOutage, WriteBack, WriteBackStatus

ROW = 1


def outage_current() -> OdooOutage | None:
    """The outage in progress, or None while Odoo answers."""
    return OdooOutage.objects.filter(pk=ROW, unreachable_since__isnull=False).first()


def probe_delay(failed_probes: int) -> timedelta:
    """Capped exponential backoff with jitter: 1-2 s after the first failure, then doubling up to
    between half the cap and the cap (2.5-5 minutes by default)."""
    base = settings.CT_WRITEBACK_BACKOFF_SECONDS or 1.0
    delay = min(settings.CT_WRITEBACK_BACKOFF_CAP_SECONDS, base * 2 ** max(0, failed_probes - 1))
    return timedelta(seconds=random.uniform(delay / 2, delay))


@transaction.atomic
def outage_record(error: str) -> OdooOutage:
    """Odoo did not answer a probe: open the outage (or extend it), schedule the next probe, and show
    every pending row as waiting for Odoo."""
    now = timezone.now()
    OdooOutage.objects.get_or_create(pk=ROW)
    outage = OdooOutage.objects.select_for_update().get(pk=ROW)
    if outage.unreachable_since is None:
        outage.unreachable_since, outage.failed_probes = now, 0
    outage.failed_probes += 1
    outage.next_probe_at = now + probe_delay(outage.failed_probes)
    outage.last_error = error[:500]
    outage.save()
    writebacks_hold(outage)
    return outage


def probe_claim() -> bool:
    """Of the workers finding the outage due for a probe, exactly one wins (a conditional UPDATE).
    The winner holds it for a lease, so a worker killed mid-probe delays the next probe, never stops it."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CT_WRITEBACK_LEASE_SECONDS)
    return bool(OdooOutage.objects.filter(pk=ROW, unreachable_since__isnull=False, next_probe_at__lte=now)
                .update(next_probe_at=lease))


def outage_end() -> bool:
    """Odoo answered: end the outage. Held rows kept their due time, so they are due at once, and the
    dispatcher applies due rows oldest first: decisions reach Odoo in the order they were taken."""
    return bool(OdooOutage.objects.filter(pk=ROW, unreachable_since__isnull=False).update(
        unreachable_since=None, next_probe_at=None, failed_probes=0, last_error=""))


def odoo_probe(gateway: OdooGateway) -> str | None:
    """One cheap authenticated read: None when Odoo answers (even with a refusal), else what failed."""
    try:
        gateway.search_count("res.users", [["id", "=", 0]])
    except OdooUnavailable as exc:
        return f"{type(exc).__name__}: {exc}"
    except OdooError:
        return None
    return None


def writebacks_hold(outage: OdooOutage, pk: int | None = None) -> int:
    """The outbox is paused: rows wait for Odoo without a call and without using an attempt."""
    assert outage.unreachable_since is not None
    rows = WriteBack.objects.filter(status__in=PENDING)
    if pk is not None:
        rows = rows.filter(pk=pk)
    held = list(rows.values_list("pk", "store_id"))
    said = phrase("Odoo unavailable: %(error)s", error=outage.last_error)
    error = said.english()
    count = WriteBack.objects.filter(pk__in=[row for row, _ in held], status__in=PENDING).update(
        status=WriteBackStatus.WAITING,
        waiting_since=Coalesce(F("waiting_since"), Value(outage.unreachable_since, output_field=DateTimeField())),
        last_error=error, error_wording=said.data(), updated_at=timezone.now())
    with events.batched():  # the whole outbox may pause at once: one notice pass
        for row, store_id in held:
            events.emit(WriteBackDeferred(writeback_id=row, status=WriteBackStatus.WAITING, reason=error,
                                          store=store_id))
    return count


def writeback_hold(pk: int, outage: OdooOutage) -> WriteBack | None:
    return WriteBack.objects.get(pk=pk) if writebacks_hold(outage, pk) else None
