"""Approval requests built from the mirror of the approval feeds.

Runs inside the sync batch's transaction (see `apps.sync.projectors`), so a mirror row and its
request never disagree. Which Odoo fields hold amount, requester and reference comes from each feed's
`settings`, which is how extra kinds (Enterprise `approval.request`, OCA `tier.review`) are added as
configuration.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from apps import events
from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.approvals.requesters import links_prefetch, requester_fields, requester_ids
from apps.events.types import ApprovalsArrived
from apps.odoo_gateway import m2o_id, parse_odoo_datetime_or_none
from apps.organisation.models import Store
from apps.sync.bulk import instances_new, rows_insert, rows_update
from apps.sync.models import Feed, MirrorRecord
from apps.sync.projectors import BatchResult

DELETED = "deleted"


def feed_setting(feed: Feed, key: str, default: Any = None) -> Any:
    return (feed.settings or {}).get(key, default)


def _text(value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return str(value[1])
    if value in (False, None):
        return ""
    return str(value)


def _amount(value: Any) -> Decimal:
    try:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return Decimal("0")


def state_of(feed: Feed, values: dict[str, Any]) -> str:
    return _text(values.get(feed_setting(feed, "state_field", "state"), ""))


def reference_of(name: str, odoo_id: int) -> str:
    """Odoo's name, or "Draft #id" for a document Odoo has not numbered yet (named "/" until posted)."""
    name = name.strip()
    if not name or name == "/":
        return f"Draft #{odoo_id}"
    return name[:200]


def _fill(request: ApprovalRequest, record: MirrorRecord, feed: Feed) -> None:
    values = record.values
    requesters = requester_ids(feed, values)
    shown = next((field for field in requester_fields(feed)[::-1] if isinstance(values.get(field), list)), "")
    requester = values.get(shown) if shown else None
    request.kind, request.kind_label, request.odoo_model = feed.slug, feed.name, feed.odoo_model
    request.reference = reference_of(_text(values.get(feed_setting(feed, "reference_field", "name"))), record.odoo_id)
    request.partner = _text(values.get(feed_setting(feed, "partner_field", "partner_id"))
                            or values.get("employee_id"))[:200]
    request.amount = _amount(values.get(feed_setting(feed, "amount_field", "amount_total")))
    request.currency = _text(values.get(feed_setting(feed, "currency_field", "currency_id")))[:16]
    request.requester_odoo_id = m2o_id(requester) if isinstance(requester, list) else None
    request.requester_odoo_ids = requesters
    request.requester_name = _text(requester)[:150]
    request.odoo_state = state_of(feed, values)[:32]
    date_field = feed_setting(feed, "requested_at_field", "")
    stamp = parse_odoo_datetime_or_none(values.get(date_field)) if date_field else None
    request.requested_at = stamp or record.first_seen_at


def closed_outcome(feed: Feed, record: MirrorRecord) -> str:
    """In words, what Odoo did with a request that left the queue without the portal."""
    if record.close_reason == DELETED:
        return "Deleted in Odoo"
    state = state_of(feed, record.values)
    if state in feed_setting(feed, "done_states", []):
        return "Approved in Odoo"
    if state in feed_setting(feed, "rejected_states", []):
        return "Rejected in Odoo"
    if feed.odoo_model == "stock.quant":
        return "Applied or cleared in Odoo"
    return f"Left the queue in Odoo ({state or 'unknown state'})"


def approvals_project(batch: BatchResult) -> None:
    """Create or refresh requests for open records; close the ones Odoo decided elsewhere.

    One batch, a fixed number of statements: the policy is read once, new requests are inserted in one
    `bulk_create` and changed ones written in one `bulk_update`, so a first import costs about what
    reading it from Odoo costs."""
    from apps.approvals.policy import PolicyBook, policy_amounts, policy_apply
    from apps.approvals.services.decisions import decision_auto

    now = timezone.now()
    links_prefetch(batch.feed, batch.upserted)
    new = {record.pk for record in batch.created}
    records = [record for record in (*batch.upserted, *batch.closed) if record.store_id is not None
               and record.pk not in new]
    existing = {request.mirror_id: request for request in ApprovalRequest.objects.select_for_update()
                .select_related("store").filter(mirror__any_of=[record.pk for record in records])}
    stores = Store.objects.in_bulk({record.store_id for record in batch.upserted if record.store_id is not None})
    book: PolicyBook | None = None
    amounts: dict[int, Decimal] | None = None  # read with the book, once, when a request needs the policy
    fresh_requests: list[ApprovalRequest] = []
    changed: list[ApprovalRequest] = []
    auto: list[tuple[ApprovalRequest, Any]] = []
    arrived: list[ApprovalRequest] = []
    before: dict[int, dict[str, Any]] = {}
    owned = [record for record in batch.upserted if record.store_id is not None]  # no store, no owner: in
    # the mirror for operations (Unassigned), never in an inbox
    built = iter(instances_new(ApprovalRequest, [
        {"mirror_id": record.pk, "feed_id": batch.feed.pk, "odoo_id": record.odoo_id, "store": stores[record.store_id]}
        for record in owned if record.pk not in existing]))
    for record in owned:
        request = existing.get(record.pk)
        fresh = request is None
        if request is None:
            request = next(built)
        else:
            before[request.pk] = _projected(request)
        reopened = not fresh and not request.odoo_open
        if request.store_id != record.store_id:
            request.store = stores[record.store_id]
        _fill(request, record, batch.feed)
        request.odoo_open = True
        if reopened:
            request.round += 1
            request.status, request.closed_outcome, request.decided_at = ApprovalStatus.OPEN, "", None
            request.assignee = None
        if fresh or reopened:
            arrived.append(request)
            book = book or PolicyBook()
            if amounts is None:
                amounts = policy_amounts(batch.feed, batch.upserted)
            judged = amounts.get(record.odoo_id, abs(request.amount))
            terms = policy_apply(request, now=now, book=book, amount=judged)
            if terms.auto_approve_below is not None and judged < terms.auto_approve_below:
                auto.append((request, terms))
        (fresh_requests if fresh else changed).append(request)
    for record in batch.closed:
        request = existing.get(record.pk)
        if request is None:
            continue
        before[request.pk] = _projected(request)
        _fill(request, record, batch.feed)
        request.odoo_open = False
        if request.status in (ApprovalStatus.OPEN, ApprovalStatus.CONFLICT):
            request.status = ApprovalStatus.CLOSED
            request.closed_outcome = closed_outcome(batch.feed, record)
        changed.append(request)
    rows_insert(fresh_requests)
    _changes_write(changed, before, now=now)
    for request, terms in auto:
        decision_auto(request=request, terms=terms)
    approved = {request.pk for request, _ in auto}
    waiting = [request for request in arrived if request.pk not in approved]  # for a person to decide
    if waiting:
        events.emit(ApprovalsArrived(requests=tuple(waiting)))


_PROJECTED_FIELDS = [field.attname for field in ApprovalRequest._meta.concrete_fields
                     if not field.primary_key and field.name not in ("created_at", "updated_at", "mirror", "feed",
                                                                     "odoo_id")]


def _projected(request: ApprovalRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in _PROJECTED_FIELDS}


def _changes_write(requests: list[ApprovalRequest], before: dict[int, dict[str, Any]], *, now: Any) -> None:
    """One UPDATE for the batch, of the fields that changed on some request (a bulk update of every
    field costs more than the rest of an incremental run)."""
    changed = [request for request in requests if _projected(request) != before[request.pk]]
    fields = sorted({name for request in changed for name, value in _projected(request).items()
                     if value != before[request.pk][name]})
    for request in changed:
        request.updated_at = now  # auto_now is not applied by bulk_update
    if changed:
        rows_update(changed, [*fields, "updated_at"])
