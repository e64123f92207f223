"""From the mirror to exceptions: open, update, close and reopen them as Odoo changes.

Runs inside the sync batch's transaction (registered as the projector of exception feeds) and on the
periodic pass, where only the clock has moved. The life cycle follows the Odoo condition:

- the condition starts to hold → the exception opens (or reopens, if it was resolved or closed);
- it stops holding → an open, acknowledged or snoozed exception closes by itself; a resolved one
  stays resolved and the clearing is recorded;
- while it holds, figures and severity follow Odoo and the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps import events
from apps.events.types import ExceptionOpened, ExceptionResolved, ExceptionUpdated
from apps.odoo_gateway import m2o_id
from apps.operations.models import (
    ACTIVE_STATUSES,
    FINAL_STATUSES,
    BillMatch,
    DocumentStore,
    EventAction,
    ExceptionEvent,
    ExceptionKind,
    ExceptionRule,
    ExceptionStatus,
    OpsException,
    ProductCost,
)
from apps.operations.rules import ASSESSORS, Assessment, Context, rules_ensure, severity_for, timezone_of
from apps.organisation.models import Store
from apps.portal.phrases import Day, Moment, Phrase, data_of, english, phrase
from apps.sync.bulk import rows_insert
from apps.sync.models import Feed, FeedKind, MirrorRecord
from apps.sync.projectors import BatchResult

CHUNK = 500


def feed_exception_kind(feed: Feed) -> str | None:
    kind = (feed.settings or {}).get("exception_kind")
    return kind if kind in ASSESSORS else None


def exceptions_project(batch: BatchResult) -> None:
    """The projector of feeds of kind `exception` (see apps.sync.projectors)."""
    kind = feed_exception_kind(batch.feed)
    if kind is None:
        return
    records_apply(batch.feed, [*batch.upserted, *batch.closed], kind=kind, now=timezone.now())


def exceptions_reassess(*, now: datetime | None = None) -> int:
    """Re-run the rules on every record that is, or may become, an exception: receipts turn late,
    activities overdue, snoozes in Odoo end and severities grow while nothing changes in Odoo."""
    now = now or timezone.now()
    changed = snoozes_expire(now=now)
    for feed in Feed.objects.filter(kind=FeedKind.EXCEPTION, enabled=True):
        kind = feed_exception_kind(feed)
        if kind is None:
            continue
        ids = list(MirrorRecord.objects.filter(feed=feed).filter(
            Q(closed_at__isnull=True) | Q(ops_exception__condition_active=True)
            | Q(ops_exception__status=ExceptionStatus.SNOOZED)).values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic(), events.batched():  # one live notice pass per chunk
                records = list(MirrorRecord.objects.filter(pk__in=ids[start:start + CHUNK]))
                changed += records_apply(feed, records, kind=kind, now=now)
    return changed


@transaction.atomic
def snoozes_expire(*, now: datetime | None = None) -> int:
    """A snooze ends at its time: back to open if the condition still holds, closed if it cleared."""
    now = now or timezone.now()
    expired = list(OpsException.objects.select_for_update()
                   .filter(status=ExceptionStatus.SNOOZED, snoozed_until__lte=now))
    with events.batched():
        _snoozes_end(expired, now)
    return len(expired)


def _snoozes_end(expired: list[OpsException], now: datetime) -> None:
    for exception in expired:
        after = ExceptionStatus.OPEN if exception.condition_active else ExceptionStatus.CLOSED
        _event(exception, EventAction.SNOOZE_EXPIRED, to_status=after, at=now,
               note=phrase("Snoozed until %(when)s", when=Moment(timezone.localtime(exception.snoozed_until)))
               if exception.snoozed_until else "")
        exception.status = after
        if after == ExceptionStatus.CLOSED:
            exception.closed_at = now
        exception.save(update_fields=["status", "closed_at", "updated_at"])


def records_apply(feed: Feed, records: list[MirrorRecord], *, kind: str, now: datetime) -> int:
    """Assess each record and bring its exception in line; returns how many exceptions changed."""
    if not records:
        return 0
    rule = rules_ensure()[kind]
    existing = {e.odoo_id: e for e in OpsException.objects.select_for_update().filter(
        kind=kind, odoo_model=feed.odoo_model, odoo_id__any_of=[r.odoo_id for r in records])}
    costs = _costs(records)
    documents = _document_stores(records, kind) if kind in DOCUMENT_KINDS else {}
    bills = ({match.odoo_line_id: match for match in BillMatch.objects.filter(
        odoo_line_id__in=[r.odoo_id for r in records])} if kind == ExceptionKind.BILL_MISMATCH else {})
    zones = dict(Store.objects.values_list("pk", "timezone"))
    changed = 0
    opened: list[tuple[OpsException, Assessment]] = []
    for record in records:
        store_id = record.store_id
        if kind in DOCUMENT_KINDS:
            document = record_document(record, kind)
            store_id = documents.get(document) if document else None
        ctx = Context(rule=rule, now=now, costs=costs, bills=bills,
                      tz=timezone_of(zones.get(store_id) if store_id is not None else None))
        assessment = ASSESSORS[kind](record, ctx)
        exception = existing.get(record.odoo_id)
        if exception is None:
            exception = _new(feed, record, kind, rule, assessment, store_id, now)
            if exception is None:
                continue
            opened.append((exception, assessment))
        else:
            with events.recording() as told:  # the history rows written emit their own events
                followed = _follow(exception, record, rule, assessment, store_id, now)
            if not followed:
                continue
            if not told:  # only figures moved
                events.emit(ExceptionUpdated(exception=exception, change=None))
        changed += 1
    _opened_write(opened, now)
    return changed


def _costs(records: Iterable[MirrorRecord]) -> dict[int, Decimal]:
    products = {pid for r in records if (pid := m2o_id(r.values.get("product_id")))}
    if not products:
        return {}
    return dict(ProductCost.objects.filter(odoo_product_id__in=products).values_list("odoo_product_id", "unit_cost"))


# Kinds whose store is the store of another document: an activity's record, an order line's order
# (the order's receiving warehouse).
DOCUMENT_KINDS = (ExceptionKind.OVERDUE_ACTIVITY, ExceptionKind.BILL_MISMATCH)


def record_document(record: MirrorRecord, kind: str) -> tuple[str, int] | None:
    """The document whose store a record takes."""
    if kind == ExceptionKind.BILL_MISMATCH:
        order = m2o_id(record.values.get("order_id"))
        return ("purchase.order", order) if order else None
    model, res_id = record.values.get("res_model"), record.values.get("res_id")
    return (str(model), res_id) if model and isinstance(res_id, int) else None


def record_documents(records: Iterable[MirrorRecord], kind: str) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for record in records:
        if document := record_document(record, kind):
            wanted.setdefault(document[0], set()).add(document[1])
    return wanted


def activity_documents(records: Iterable[MirrorRecord]) -> dict[str, set[int]]:
    return record_documents(records, ExceptionKind.OVERDUE_ACTIVITY)


def _document_stores(records: Iterable[MirrorRecord], kind: str) -> dict[tuple[str, int], int | None]:
    """Stores of the documents records point at: resolved ones, else a mirrored copy of the
    document (a purchase order waiting for approval already knows its store). No Odoo call here."""
    found: dict[tuple[str, int], int | None] = {}
    for model, ids in record_documents(records, kind).items():
        for odoo_id, store_id in DocumentStore.objects.filter(odoo_model=model, odoo_id__in=ids) \
                .values_list("odoo_id", "store_id"):
            found[(model, odoo_id)] = store_id
        missing = [i for i in ids if (model, i) not in found]
        for odoo_id, store_id in MirrorRecord.objects.filter(
                feed__odoo_model=model, odoo_id__in=missing, store__isnull=False).values_list("odoo_id", "store_id"):
            found[(model, odoo_id)] = store_id
    return found


def change_emit(exception: OpsException, change: ExceptionEvent) -> None:
    """Each history row is one domain event: opening, ending, or anything else."""
    if change.action in (EventAction.OPENED, EventAction.REOPENED):
        events.emit(ExceptionOpened(exception=exception, change=change))
    elif change.action in (EventAction.RESOLVED, EventAction.CLOSED):
        events.emit(ExceptionResolved(exception=exception, change=change))
    else:
        events.emit(ExceptionUpdated(exception=exception, change=change))


def assessed_texts(assessment: Assessment, known: OpsException | None = None) -> dict[str, Any]:
    """The English title and detail for their columns, and the phrases the pages write them from. A
    phrase equal to the one `known` keeps reuses its English: writing it again is the costly part, and
    most records of a pass are unchanged."""
    texts: dict[str, Any] = {"wording": {}}
    for name, text, limit in (("title", assessment.title, 200), ("detail", assessment.detail, 300)):
        data = data_of(text)
        if data:
            texts["wording"][name] = data
        same = known is not None and bool(data) and known.wording.get(name) == data
        texts[name] = getattr(known, name) if same else english(text)[:limit]
    return texts


def _note_data(note: str | Phrase) -> dict[str, Any]:
    data = data_of(note)
    return {"note_phrase": data} if data else {}


def _event(exception: OpsException, action: str, *, to_status: str = "", at: datetime | None = None,
           note: str | Phrase = "", data: dict[str, object] | None = None) -> ExceptionEvent:
    change = ExceptionEvent.objects.create(
        exception=exception, action=action, at=at or timezone.now(),
        from_status=exception.status if exception.pk else "", to_status=to_status or exception.status,
        severity=exception.severity, note=english(note)[:2000], data={**(data or {}), **_note_data(note)})
    change_emit(exception, change)
    return change


def _new(feed: Feed, record: MirrorRecord, kind: str, rule: ExceptionRule, assessment: Assessment,
         store_id: int | None, now: datetime) -> OpsException | None:
    """The exception a record raises, unsaved (`_opened_write` saves the batch's), or None."""
    if not assessment.holds or not rule.enabled or store_id is None:
        return None  # records of no store (the distribution centre, an unknown document) are not shown
    started = assessment.started_at or now
    return OpsException(
        store_id=store_id, kind=kind, mirror=record, odoo_model=feed.odoo_model, odoo_id=record.odoo_id,
        **assessed_texts(assessment), quantity=assessment.quantity,
        value_at_risk=assessment.value, opened_at=now, started_at=started,
        severity=severity_for(rule, started_at=started, value=assessment.value, now=now),
        deadline=now + timedelta(hours=rule.deadline_hours), status=ExceptionStatus.OPEN)


def _opened_write(opened: list[tuple[OpsException, Assessment]], now: datetime) -> None:
    """Save a batch's new exceptions and their "opened" history rows in two statements, emit each
    opening, then take over snoozes set in Odoo."""
    exceptions = rows_insert([exception for exception, _ in opened])
    history = rows_insert([ExceptionEvent(exception=exception, action=EventAction.OPENED, at=now,
                                          to_status=exception.status, severity=exception.severity,
                                          note=english(assessment.detail)[:2000],
                                          data=_note_data(assessment.detail)) for exception, assessment in opened])
    for exception, change in zip(exceptions, history, strict=True):
        change_emit(exception, change)
    for exception, assessment in opened:
        _take_odoo_snooze(exception, assessment, now)


def _take_odoo_snooze(exception: OpsException, assessment: Assessment, now: datetime) -> bool:
    """An orderpoint snoozed in Odoo itself shows as snoozed here until the same day."""
    parked = assessment.parked_until
    if parked is None or parked <= now or exception.status not in (ExceptionStatus.OPEN,
                                                                   ExceptionStatus.ACKNOWLEDGED):
        return False
    note = phrase("Snoozed in Odoo until %(day)s", day=Day(parked.date()))
    _event(exception, EventAction.SNOOZED, to_status=ExceptionStatus.SNOOZED, at=now, note=note)
    exception.status, exception.snoozed_until = ExceptionStatus.SNOOZED, parked
    exception.snooze_reason = note.english()[:300]
    exception.wording = {**exception.wording, "snooze_reason": note.data()}
    exception.save(update_fields=["status", "snoozed_until", "snooze_reason", "wording", "updated_at"])
    return True


def _follow(exception: OpsException, record: MirrorRecord, rule: ExceptionRule, assessment: Assessment,
            store_id: int | None, now: datetime) -> bool:
    """Bring an existing exception in line with the assessment; True when anything changed."""
    before = (exception.title, exception.detail, exception.wording, exception.quantity, exception.value_at_risk,
              exception.severity, exception.status, exception.condition_active, exception.store_id, exception.mirror_id)
    texts = assessed_texts(assessment, exception)
    kept = {name: data for name, data in exception.wording.items() if name not in ("title", "detail")}
    exception.title, exception.detail, exception.wording = texts["title"], texts["detail"], kept | texts["wording"]
    exception.mirror = record
    if store_id is not None:
        exception.store_id = store_id
    if assessment.holds and not exception.condition_active:
        _condition_returned(exception, rule, assessment, now)
    elif not assessment.holds and exception.condition_active:
        _condition_cleared(exception, record, now)
    if exception.condition_active:
        exception.quantity, exception.value_at_risk = assessment.quantity, assessment.value
    if exception.status not in FINAL_STATUSES:
        severity = severity_for(rule, started_at=exception.started_at, value=exception.value_at_risk, now=now)
        if severity != exception.severity:
            action = EventAction.ESCALATED if severity > exception.severity else EventAction.UPDATED
            old, exception.severity = exception.severity, severity
            _event(exception, action, at=now, data={"severity": [old, severity]},
                   note=phrase("Severity %(old)s → %(new)s", old=old, new=severity))
    after = (exception.title, exception.detail, exception.wording, exception.quantity, exception.value_at_risk,
             exception.severity, exception.status, exception.condition_active, exception.store_id, exception.mirror_id)
    changed = before != after
    if changed:
        exception.save()
    return _take_odoo_snooze(exception, assessment, now) or changed


def _condition_returned(exception: OpsException, rule: ExceptionRule, assessment: Assessment,
                        now: datetime) -> None:
    exception.condition_active = True
    exception.started_at = assessment.started_at or now
    if exception.status in FINAL_STATUSES:
        _event(exception, EventAction.REOPENED, to_status=ExceptionStatus.OPEN, at=now, note=assessment.detail)
        exception.status = ExceptionStatus.OPEN
        exception.reopened_count += 1
        exception.closed_at = exception.resolved_at = exception.acknowledged_at = None
        exception.deadline = now + timedelta(hours=rule.deadline_hours)


def _condition_cleared(exception: OpsException, record: MirrorRecord, now: datetime) -> None:
    exception.condition_active = False
    why = {"deleted": phrase("the record was deleted in Odoo"), "left_domain": phrase("Odoo no longer reports it")}.get(
        record.close_reason or "", phrase("it no longer meets the rule"))
    if exception.status in ACTIVE_STATUSES:
        _event(exception, EventAction.CLOSED, to_status=ExceptionStatus.CLOSED, at=now,
               note=phrase("Cleared: %(why)s.", why=why))
        exception.status, exception.closed_at = ExceptionStatus.CLOSED, now
    else:
        _event(exception, EventAction.CLEARED, at=now, note=phrase("Cleared after resolution: %(why)s.", why=why))
