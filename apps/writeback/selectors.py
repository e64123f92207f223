"""Reads of the outbox."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.utils.translation import gettext as _

from apps.writeback import conf
from apps.writeback.models import FINAL, WriteBack, WriteBackStatus


def writebacks_settled(pks: Sequence[int], *, wait_seconds: float | None = None) -> list[WriteBack]:
    """The rows, re-read until each is final or `wait_seconds` (CT_WRITEBACK_REPLAY_WAIT_SECONDS) have
    passed: a replay's outcome is usually known within a second, so the person who replayed is told it
    where they pressed the button instead of having to come back."""
    wait = conf.REPLAY_WAIT_SECONDS if wait_seconds is None else wait_seconds
    give_up = time.monotonic() + wait
    while True:
        rows = list(WriteBack.objects.filter(pk__in=list(pks)).order_by("pk"))
        if all(row.status in FINAL for row in rows) or time.monotonic() >= give_up:
            return rows
        time.sleep(0.2)


def replay_outcome(row: WriteBack) -> tuple[str, str]:
    """Where a replayed row ended up, as ("applied" | "refused" | "waiting" | "queued", the words)."""
    name = _("Write-back %(id)s (%(target)s)") % {
        "id": row.pk, "target": f"{row.odoo_model} {row.odoo_id}" if row.odoo_id else row.odoo_model}
    if row.status == WriteBackStatus.APPLIED:
        return "applied", _("%(writeback)s: applied in Odoo.") % {"writeback": name}
    if row.status in (WriteBackStatus.FAILED, WriteBackStatus.CONFLICT, WriteBackStatus.DEAD):
        return "refused", _("%(writeback)s: %(status)s again: %(reason)s") % {
            "writeback": name, "status": str(row.get_status_display()).lower(),
            "reason": row.error_text or _("no reason given")}
    if row.is_waiting_for_odoo:
        return "waiting", _("%(writeback)s: waiting for Odoo, which is not answering; it is applied when Odoo is "
                            "back.") % {"writeback": name}
    return "queued", _("%(writeback)s: queued; the worker has not sent it yet (its status here changes when it "
                       "has).") % {"writeback": name}
