"""Mirror → directives: a store task closed or reopened in Odoo comes back to the store's copy.

The built-in feed `directive-tasks` mirrors the store tasks of the directives project. Odoo is the
system of record: a task HQ closes there (`1_done`) makes the copy done ("closed in Odoo", which also
closes its overdue exception); a task reopened there makes a done copy go back to review; a task
cancelled there cancels the copy. Runs inside the sync batch's transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from apps import events
from apps.audit.services import audit_record
from apps.directives.models import CopyStatus, ReviewStatus, StoreDirective
from apps.events.types import DirectiveStoreCompleted
from apps.live.broadcast import stores_panels_changed
from apps.sync.mirror import DELETED
from apps.sync.projectors import BatchResult

TOPIC = "directives"
_REFERENCE = re.compile(r"\[CT-DIR-([A-Z0-9]{10})\]")
DONE, CANCELLED = "1_done", "1_canceled"


def _copy_key(name: Any) -> str | None:
    match = _REFERENCE.search(str(name or ""))
    return match.group(1) if match else None


def directives_project(batch: BatchResult) -> None:
    from apps.directives.services.followup import overdue_exception_close

    records = [*batch.upserted, *batch.closed]
    if not records:
        return
    by_task = {c.odoo_task_id: c for c in StoreDirective.objects.select_for_update().select_related(
        "store", "directive").filter(odoo_task_id__in=[r.odoo_id for r in records])}
    keys = {key for r in records if r.odoo_id not in by_task and (key := _copy_key(r.values.get("name")))}
    by_key = {c.key: c for c in StoreDirective.objects.select_for_update().select_related("store", "directive")
              .filter(key__in=keys)} if keys else {}
    changed: set[int] = set()
    now = timezone.now()
    for record in records:
        copy = by_task.get(record.odoo_id) or by_key.get(_copy_key(record.values.get("name")) or "")
        if copy is None:
            continue
        state = "deleted" if record.close_reason == DELETED else str(record.values.get("state") or "")
        before = copy.snapshot()
        status = copy.status
        if state == DONE and copy.status not in (CopyStatus.APPROVED, CopyStatus.CANCELLED):
            copy.status, copy.closed_in_odoo, copy.approved_at = CopyStatus.APPROVED, True, now
            overdue_exception_close(copy, actor=None, note="Task closed in Odoo.")
            events.emit(DirectiveStoreCompleted(copy=copy))
        elif state in (CANCELLED, "deleted") and copy.status != CopyStatus.CANCELLED:
            copy.status = CopyStatus.CANCELLED
            overdue_exception_close(copy, actor=None, note="Task cancelled in Odoo.")
        elif copy.odoo_state == DONE and state not in (DONE, CANCELLED, "deleted", "") \
                and copy.status == CopyStatus.APPROVED:
            # Reopened in Odoo (seen done there before, open now; never the portal's own close still on
            # its way): the region reviews the store's answers again.
            copy.status, copy.closed_in_odoo, copy.approved_at = CopyStatus.IN_REVIEW, False, None
            copy.answers.update(review_status=ReviewStatus.PENDING, reviewed_by=None, reviewed_at=None)
        copy.odoo_task_id, copy.odoo_state = record.odoo_id, state[:32]
        copy.save(update_fields=["status", "closed_in_odoo", "approved_at", "odoo_task_id", "odoo_state",
                                 "updated_at"])
        if status != copy.status:
            audit_record(action="directive.changed_in_odoo", target=copy, store=copy.store, actor_label="odoo",
                         before=before, after={**copy.snapshot(), "odoo_state": state})
            changed.add(copy.store_id)
    stores_panels_changed(store_ids=changed, topics=[TOPIC])
