"""Where events come from until the domain apps call `event_publish` themselves.

These receivers publish from rows the domain services already write inside their transactions
(a Decision, a final WriteBack status, a new StoreIncident, an ExceptionEvent), so the event is
recorded in the very transaction of the change. They hold no business rule: each one only turns a
committed fact into an event payload. Every event carries a dedupe key, so an explicit
`event_publish` call added later with the same key cannot double-send.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.urls import NoReverseMatch, reverse

from apps.webhooks.services import _any_active, event_publish

logger = logging.getLogger(__name__)
FINAL_WRITEBACK = ("applied", "conflict", "failed", "dead")


def _never_breaks_the_change(tap: Callable[..., None]) -> Callable[..., None]:
    """A webhook must never cost a decision: a failing tap is logged and the change goes on
    (`event_publish` runs in its own savepoint, so a database error there is rolled back alone)."""

    @functools.wraps(tap)
    def guarded(*args: Any, **kwargs: Any) -> None:
        if not _any_active():
            return  # nobody subscribed: no payload to build (a first import creates thousands of incidents)
        try:
            tap(*args, **kwargs)
        except Exception:
            logger.exception("Publishing a webhook event from %s failed; the change itself is kept", tap.__name__)

    return guarded
EXCEPTION_OPENED = ("opened", "reopened")
EXCEPTION_CLOSED = ("resolved", "closed")


def _link(name: str, pk: Any) -> str | None:
    try:
        return f"{settings.SITE_URL}{reverse(name, args=[pk])}"
    except NoReverseMatch:
        return None


@_never_breaks_the_change
def decision_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    request = instance.request
    outcome = instance.outcome
    status = ("approved" if outcome == "approve" else "rejected") if instance.final else request.status
    event_publish("approval.decided", {
        "request": {"id": request.pk, "reference": request.reference, "kind": request.kind,
                    "kind_label": request.kind_label, "odoo_model": request.odoo_model, "odoo_id": request.odoo_id,
                    "amount": request.amount, "currency": request.currency, "partner": request.partner,
                    "status": status, "url": _link("approvals:detail", request.pk)},
        "decision": {"id": instance.pk, "outcome": outcome, "final": instance.final, "actor": instance.actor_label,
                     "system_rule": instance.system_rule, "comment": instance.comment, "tier": instance.tier,
                     "round": instance.round, "policy": instance.policy_label, "decided_at": instance.created_at},
    }, request.store, dedupe_key=f"approval.decided:{instance.pk}")


@_never_breaks_the_change
def writeback_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if created or kwargs.get("raw") or not update_fields or "status" not in update_fields:
        return
    if instance.status not in FINAL_WRITEBACK:
        return
    stamp = instance.updated_at.isoformat() if instance.updated_at else ""
    event_publish(f"writeback.{instance.status}", {
        "writeback": {"id": instance.pk, "kind": instance.kind, "status": instance.status,
                      "odoo_model": instance.odoo_model, "odoo_id": instance.odoo_id, "attempts": instance.attempts,
                      "last_error": instance.last_error[:500], "source_type": instance.source_type,
                      "source_id": instance.source_id, "applied_at": instance.applied_at},
    }, instance.store, dedupe_key=f"writeback:{instance.pk}:{instance.status}:{stamp}")


@_never_breaks_the_change
def incident_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    event_publish("incident.created", {
        "incident": {"id": instance.pk, "reference": instance.reference, "source": instance.source,
                     "category": instance.category, "urgency": instance.urgency, "title": instance.title,
                     "status": instance.status, "deadline": instance.deadline, "created_at": instance.created_at,
                     "odoo_model": instance.odoo_model, "odoo_id": instance.odoo_id,
                     "url": _link("incidents:detail", instance.pk)},
    }, instance.store, dedupe_key=f"incident.created:{instance.pk}")


@_never_breaks_the_change
def exception_event_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    if instance.action in EXCEPTION_OPENED:
        event_type = "exception.opened"
    elif instance.action in EXCEPTION_CLOSED:
        event_type = "exception.closed"
    else:
        return
    exception = instance.exception
    event_publish(event_type, {
        "exception": {"id": exception.pk, "kind": exception.kind, "title": exception.title,
                      "detail": exception.detail, "severity": exception.severity,
                      "status": instance.to_status or exception.status, "value_at_risk": exception.value_at_risk,
                      "deadline": exception.deadline, "odoo_model": exception.odoo_model,
                      "odoo_id": exception.odoo_id, "url": _link("operations:detail", exception.pk)},
        "change": {"action": instance.action, "at": instance.at, "note": instance.note[:1000],
                   "actor": instance.actor.get_username() if instance.actor_id else None,
                   "reopened": instance.action == "reopened"},
    }, exception.store, dedupe_key=f"exception:{instance.pk}")


def taps_connect() -> None:
    """Connected by WebhooksConfig.ready(); lazy senders, so a renamed model only disables its tap."""
    post_save.connect(decision_saved, sender="approvals.Decision", dispatch_uid="webhooks.decision")
    post_save.connect(writeback_saved, sender="writeback.WriteBack", dispatch_uid="webhooks.writeback")
    post_save.connect(incident_saved, sender="incidents.StoreIncident", dispatch_uid="webhooks.incident")
    post_save.connect(exception_event_saved, sender="operations.ExceptionEvent", dispatch_uid="webhooks.exception")
