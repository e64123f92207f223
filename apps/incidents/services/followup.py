"""Following an incident to its end: regional and HQ overrides, and escalation of overdue incidents.

An override is a decision: it is saved with its reason and audited in the same transaction, and
written back to Odoo through the outbox (with a chatter note naming who decided and why). Escalation
only tells people: the regional manager at the deadline, HQ later; it never changes Odoo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps import events
from apps.audit.services import audit_record
from apps.events.types import IncidentEscalated, IncidentOverridden
from apps.incidents import conf
from apps.incidents.executors import override_enqueue
from apps.incidents.models import (
    EscalationTier,
    IncidentOverride,
    IncidentStatus,
    OverrideKind,
    StoreIncident,
    sla_deadline,
)
from apps.incidents.taxonomy import Urgency
from apps.organisation.roles import Action, Role
from apps.organisation.scope import can

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from apps.organisation.models import Store



@dataclass(frozen=True)
class OverrideChange:
    """One override as the form checked it; only the field of its kind is read."""

    kind: str
    reason: str
    urgency: str = ""
    team_id: int | None = None
    team_name: str = ""
    deadline: datetime | None = None
    duplicate_of: StoreIncident | None = None


def _apply(incident: StoreIncident, change: OverrideChange, now: datetime) -> dict[str, Any]:
    """Change the incident locally; returns what the write-back needs beyond the snapshot."""
    kind = change.kind
    if kind == OverrideKind.REPRIORITISE:
        if change.urgency not in Urgency.values:
            raise ValidationError({"urgency": "Choose the new urgency."})
        if change.urgency == incident.urgency and not incident.needs_manual_triage:
            raise ValidationError({"urgency": "The incident already has this urgency."})
        incident.urgency = change.urgency
        incident.deadline = sla_deadline(incident.created_at, change.urgency)
        incident.needs_manual_triage = False  # a person has now triaged it
        if incident.deadline > now:
            incident.escalation_tier = EscalationTier.NONE
        return {"urgency": change.urgency}
    if kind == OverrideKind.REASSIGN_TEAM:
        if not change.team_id or not change.team_name:
            raise ValidationError({"team": "Choose the team to reassign to."})
        if change.team_name == incident.odoo_team:
            raise ValidationError({"team": "The incident is already with this team."})
        incident.odoo_team = change.team_name
        return {"team_id": change.team_id, "team_name": change.team_name}
    if kind == OverrideKind.EXTEND_DEADLINE:
        latest = now + timedelta(days=conf.MAX_DEADLINE_EXTENSION_DAYS)
        if change.deadline is None or change.deadline <= max(incident.deadline, now):
            raise ValidationError({"deadline": "The new deadline must be later than the current one and in the "
                                               "future."})
        if change.deadline > latest:
            raise ValidationError({"deadline": f"A deadline can be extended by at most "
                                               f"{conf.MAX_DEADLINE_EXTENSION_DAYS} days."})
        incident.deadline = change.deadline
        incident.escalation_tier = EscalationTier.NONE
        return {}
    if kind == OverrideKind.CLOSE_DUPLICATE:
        original = change.duplicate_of
        if original is None or original.pk == incident.pk or original.store_id != incident.store_id:
            raise ValidationError({"duplicate_of": "Choose the incident of the same store that this one duplicates."})
        incident.status, incident.closed_reason, incident.closed_at = IncidentStatus.CLOSED, "duplicate", now
        incident.duplicate_of = original
        return {"duplicate_of": original.reference}
    raise ValidationError({"kind": "Choose what to change."})


@transaction.atomic
def incident_override(*, incident: StoreIncident, actor: User, change: OverrideChange,
                      request: HttpRequest | None = None) -> IncidentOverride:
    """Reprioritise, reassign, extend or close as duplicate, with a reason: saved, audited, and
    queued for Odoo in one transaction. Only people who decide for the store may override."""
    if not can(actor, Action.DECIDE, incident.store):
        raise PermissionDenied(gettext("Overrides need a regional manager or HQ role for this store."))
    incident = StoreIncident.objects.select_for_update().select_related("store").get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(gettext("This incident is already closed."))
    reason = change.reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the override: it is recorded and sent to Odoo."})
    before = incident.snapshot()
    extra = _apply(incident, change, timezone.now())
    incident.save()
    override = IncidentOverride.objects.create(incident=incident, kind=change.kind, reason=reason, actor=actor,
                                               before=before, after={**incident.snapshot(), **extra})
    audit_record(action=f"incident.{change.kind}", target=incident, actor=actor, store=incident.store,
                 request=request, before=before, after=override.after, message=reason)
    if incident.odoo_id:
        override_enqueue(override, created_by=actor)
    events.emit(IncidentOverridden(incident=incident, override=override))
    return override


# -- escalation ----------------------------------------------------------------------------------

def _people_with(role: Role, **where: Any) -> list[User]:
    users = get_user_model().objects.filter(is_active=True, role_grants__role=role,
                                            **{f"role_grants__{key}": value for key, value in where.items()})
    return list(users.distinct())


def _recipients(store: Store, tier: int) -> tuple[int, list[User]]:
    """A region without a regional manager escalates straight to HQ: an overdue incident must reach
    someone who can act on it."""
    if tier == EscalationTier.REGION:
        regional = _people_with(Role.REGIONAL_MANAGER, region=store.region)
        if regional:
            return tier, regional
        tier = EscalationTier.HQ
    return tier, _people_with(Role.HQ_EXECUTIVE)


@transaction.atomic
def incident_escalate(*, incident_id: int, tier: int, now: datetime) -> bool:
    """Escalate one overdue incident to `tier`, once: the row lock and the tier check make a second
    scheduler run (or a second worker) a no-op."""
    incident = (StoreIncident.objects.select_for_update().select_related("store", "store__region")
                .filter(pk=incident_id).first())
    if incident is None or incident.escalation_tier >= tier or not incident.is_overdue(now):
        return False
    before = incident.snapshot()
    tier, recipients = _recipients(incident.store, tier)
    incident.escalation_tier, incident.escalated_at = tier, now
    incident.save(update_fields=["escalation_tier", "escalated_at", "updated_at"])
    who = "HQ" if tier == EscalationTier.HQ else "the regional manager"
    overdue = now - incident.deadline
    hours = int(overdue.total_seconds() // 3600)
    events.emit(IncidentEscalated(incident=incident, recipients=tuple(recipients), hours_overdue=hours))
    audit_record(action="incident.escalated", target=incident, actor_label="SLA escalation", store=incident.store,
                 before=before, after=incident.snapshot(),
                 message=f"Escalated to {who} ({len(recipients)} people notified).")
    return True


def incidents_escalate(*, now: datetime | None = None, limit: int = 500) -> int:
    """Escalate overdue open incidents: to the region at the deadline, to HQ `HQ_ESCALATION_HOURS` later."""
    now = now or timezone.now()
    escalated = 0
    due_region = StoreIncident.objects.overdue(now).filter(escalation_tier=EscalationTier.NONE)
    for pk in due_region.order_by("deadline").values_list("pk", flat=True)[:limit]:
        escalated += incident_escalate(incident_id=pk, tier=EscalationTier.REGION, now=now)
    hq_deadline = now - timedelta(hours=conf.HQ_ESCALATION_HOURS)
    due_hq = StoreIncident.objects.overdue(hq_deadline).filter(escalation_tier=EscalationTier.REGION)
    for pk in due_hq.order_by("deadline").values_list("pk", flat=True)[:limit]:
        escalated += incident_escalate(incident_id=pk, tier=EscalationTier.HQ, now=now)
    return escalated
