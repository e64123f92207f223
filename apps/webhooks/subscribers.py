"""Outbound webhook events, from domain events: what each one publishes, in the transaction of the change.

These subscribers run in the emitting transaction (`Phase.TRANSACTION`) because `event_publish` writes
outbox rows (a `WebhookEvent` and its deliveries) that must commit or roll back with the change. They
hold no business rule: each one only turns a domain event into a webhook payload. Every webhook event
carries a dedupe key, so publishing the same change twice cannot double-send. `health.changed` is
read from the health history instead (`harvest.py`: signals change in bulk).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from apps.events import Phase, Subscriber
from apps.events.types import (
    ApprovalDecided,
    ApprovalUndone,
    ExceptionOpened,
    ExceptionResolved,
    IncidentReported,
    WriteBackFinished,
)
from apps.webhooks.services import _any_active, event_publish

logger = logging.getLogger(__name__)


def _never_breaks_the_change(publish: Callable[[Any], None]) -> Callable[[Sequence[Any]], None]:
    """A webhook must never cost a decision: a failing publication is logged and the change goes on
    (`event_publish` runs in its own savepoint, so a database error there is rolled back alone)."""

    @functools.wraps(publish)
    def guarded(events: Sequence[Any]) -> None:
        if not _any_active():
            return  # nobody subscribed: no payload to build (a first import creates thousands of incidents)
        for event in events:
            try:
                publish(event)
            except Exception:
                logger.exception("Publishing a webhook event from %s failed; the change itself is kept",
                                 publish.__name__)

    return guarded


def _link(name: str, pk: Any) -> str | None:
    try:
        return f"{settings.SITE_URL}{reverse(name, args=[pk])}"
    except NoReverseMatch:
        return None


@_never_breaks_the_change
def approval_decided(event: ApprovalDecided) -> None:
    request, decision = event.request, event.decision
    outcome = decision.outcome
    status = ("approved" if outcome == "approve" else "rejected") if decision.final else request.status
    event_publish("approval.decided", {
        "request": {"id": request.pk, "reference": request.reference, "kind": request.kind,
                    "kind_label": request.kind_label, "odoo_model": request.odoo_model, "odoo_id": request.odoo_id,
                    "amount": request.amount, "currency": request.currency, "partner": request.partner,
                    "status": status, "url": _link("approvals:detail", request.pk)},
        "decision": {"id": decision.pk, "outcome": outcome, "final": decision.final, "actor": decision.actor_label,
                     "system_rule": decision.system_rule, "comment": decision.comment, "tier": decision.tier,
                     "round": decision.round, "policy": decision.policy_label, "decided_at": decision.created_at},
    }, request.store, dedupe_key=f"approval.decided:{decision.pk}")


@_never_breaks_the_change
def approval_undone(event: ApprovalUndone) -> None:
    request = event.request
    event_publish("approval.undone", {
        "request": {"id": request.pk, "reference": request.reference, "kind": request.kind,
                    "odoo_model": request.odoo_model, "odoo_id": request.odoo_id, "status": request.status,
                    "url": _link("approvals:detail", request.pk)},
        "decision": {"id": event.decision_id, "outcome": event.outcome, "undone_by": event.actor.get_username()},
    }, request.store, dedupe_key=f"approval.undone:{event.decision_id}")


@_never_breaks_the_change
def writeback_finished(event: WriteBackFinished) -> None:
    writeback = event.writeback
    stamp = writeback.updated_at.isoformat() if writeback.updated_at else ""
    event_publish(f"writeback.{writeback.status}", {
        "writeback": {"id": writeback.pk, "kind": writeback.kind, "status": writeback.status,
                      "odoo_model": writeback.odoo_model, "odoo_id": writeback.odoo_id, "attempts": writeback.attempts,
                      "last_error": writeback.last_error[:500], "source_type": writeback.source_type,
                      "source_id": writeback.source_id, "applied_at": writeback.applied_at},
    }, writeback.store, dedupe_key=f"writeback:{writeback.pk}:{writeback.status}:{stamp}")


@_never_breaks_the_change
def incident_reported(event: IncidentReported) -> None:
    incident = event.incident
    event_publish("incident.created", {
        "incident": {"id": incident.pk, "reference": incident.reference, "source": incident.source,
                     "category": incident.category, "urgency": incident.urgency, "title": incident.title,
                     "status": incident.status, "deadline": incident.deadline, "created_at": incident.created_at,
                     "odoo_model": incident.odoo_model, "odoo_id": incident.odoo_id,
                     "url": _link("incidents:detail", incident.pk)},
    }, incident.store, dedupe_key=f"incident.created:{incident.pk}")


@_never_breaks_the_change
def exception_changed(event: ExceptionOpened | ExceptionResolved) -> None:
    exception, change = event.exception, event.change
    assert change is not None  # opening and resolving always write a history row
    event_publish("exception.opened" if isinstance(event, ExceptionOpened) else "exception.closed", {
        "exception": {"id": exception.pk, "kind": exception.kind, "title": exception.title,
                      "detail": exception.detail, "severity": exception.severity,
                      "status": change.to_status or exception.status, "value_at_risk": exception.value_at_risk,
                      "deadline": exception.deadline, "odoo_model": exception.odoo_model,
                      "odoo_id": exception.odoo_id, "url": _link("operations:detail", exception.pk)},
        "change": {"action": change.action, "at": change.at, "note": change.note[:1000],
                   "actor": change.actor.get_username() if change.actor is not None else None,
                   "reopened": change.action == "reopened"},
    }, exception.store, dedupe_key=f"exception:{change.pk}")


SUBSCRIBERS = [
    Subscriber(ApprovalDecided, approval_decided, Phase.TRANSACTION),
    Subscriber(ApprovalUndone, approval_undone, Phase.TRANSACTION),
    Subscriber(WriteBackFinished, writeback_finished, Phase.TRANSACTION),
    Subscriber(IncidentReported, incident_reported, Phase.TRANSACTION),
    Subscriber(ExceptionOpened, exception_changed, Phase.TRANSACTION),
    Subscriber(ExceptionResolved, exception_changed, Phase.TRANSACTION),
]
