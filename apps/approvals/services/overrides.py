"""Overrides with a reason: reassign, extend the deadline, escalate now. Every one is audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps import events
from apps.approvals.models import DECIDING_ROLES, ApprovalRequest, ApprovalStatus
from apps.approvals.policy import deadline_set, role_rank
from apps.audit.services import audit_record
from apps.events.types import ApprovalDeadlineExtended, ApprovalEscalated, ApprovalReassigned
from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role
from apps.portal.phrases import Text, data_of, english

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

MAX_EXTENSION = timedelta(days=90)


def deciders_for(request: ApprovalRequest) -> list[User]:
    """Who is told about a request: its assignee, else the holders of the tier's role for its store."""
    if request.assignee_id is not None:
        return [request.assignee] if request.assignee is not None else []
    grants = RoleGrant.objects.filter(role=request.required_role)
    if request.required_role == Role.REGIONAL_MANAGER:
        grants = grants.filter(region_id=request.store.region_id)
    user_ids = grants.values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def _open_for_override(request: ApprovalRequest, actor: User, reason: str) -> ApprovalRequest:
    if not reason.strip():
        raise ValidationError(_("Give a reason for the override."))
    locked = ApprovalRequest.objects.select_for_update().select_related("store").get(pk=request.pk)
    if role_rank(actor, locked.store) < 0:
        raise PermissionDenied(_("You cannot override requests of store %(store)s.") % {"store": locked.store.code})
    if locked.status != ApprovalStatus.OPEN:
        raise ValidationError(_("%(request)s is no longer open.") % {"request": locked})
    return locked


def _audit(action: str, request: ApprovalRequest, actor: User | None, reason: str, before: dict[str, object],
           http_request: HttpRequest | None, actor_label: str = "") -> None:
    after = {"assignee": request.assignee_id, "deadline": request.deadline.isoformat(), "tier": request.tier,
             "required_role": request.required_role}
    audit_record(action=action, target=request, actor=actor, actor_label=actor_label, store=request.store,
                 request=http_request, before=before, after=after, message=reason.strip())


def _state(request: ApprovalRequest) -> dict[str, object]:
    return {"assignee": request.assignee_id, "deadline": request.deadline.isoformat(), "tier": request.tier,
            "required_role": request.required_role}


@transaction.atomic
def request_reassign(*, request: ApprovalRequest, actor: User, assignee: User, reason: str,
                     http_request: HttpRequest | None = None) -> ApprovalRequest:
    """Hand the request to another approver who holds the authority its tier needs."""
    request = _open_for_override(request, actor, reason)
    if role_rank(assignee, request.store) < DECIDING_ROLES.index(Role(request.required_role)):
        raise ValidationError(_("%(person)s cannot decide %(request)s (tier %(tier)s).") % {
            "person": assignee.get_username(), "request": request, "tier": request.tier})
    before = _state(request)
    request.assignee = assignee
    request.save(update_fields=["assignee", "updated_at"])
    _audit("approval.reassigned", request, actor, reason, before, http_request)
    events.emit(ApprovalReassigned(request=request, assignee=assignee, reason=reason))
    return request


@transaction.atomic
def request_extend_deadline(*, request: ApprovalRequest, actor: User, deadline: datetime, reason: str,
                            http_request: HttpRequest | None = None) -> ApprovalRequest:
    """Move the deadline later (never earlier: that is what escalation is for); reminders restart."""
    request = _open_for_override(request, actor, reason)
    now = timezone.now()
    if deadline <= max(now, request.deadline):
        raise ValidationError(_("The new deadline must be later than the current one and in the future."))
    if deadline > now + MAX_EXTENSION:
        raise ValidationError(_("A deadline can be extended by at most 90 days."))
    before = _state(request)
    deadline_set(request, start=now, deadline=deadline)
    request.save()
    _audit("approval.deadline_extended", request, actor, reason, before, http_request)
    events.emit(ApprovalDeadlineExtended(request=request, reason=reason))
    return request


def _escalate(request: ApprovalRequest, *, now: datetime) -> None:
    request.tier = 2
    request.required_role = request.escalation_role
    request.assignee = None
    request.escalated_at = now
    deadline_set(request, start=now, deadline=now + timedelta(hours=float(request.escalation_sla_hours)))
    request.save()


@transaction.atomic
def request_escalate(*, request: ApprovalRequest, actor: User | None, reason: Text,
                     http_request: HttpRequest | None = None) -> ApprovalRequest:
    """Send the request to the escalation tier now (a person's override, or the deadline check, whose
    reason is a phrase its recipients read in their own language)."""
    reason, reason_wording = english(reason), data_of(reason)
    if actor is not None:
        request = _open_for_override(request, actor, reason)
    else:
        request = ApprovalRequest.objects.select_for_update().select_related("store").get(pk=request.pk)
    if request.tier >= 2:
        raise ValidationError(_("%(request)s is already at the top tier.") % {"request": request})
    before = _state(request)
    _escalate(request, now=timezone.now())
    _audit("approval.escalated", request, actor, reason, before, http_request,
           actor_label="" if actor is not None else "system: deadline passed")
    events.emit(ApprovalEscalated(request=request, reason=reason, recipients=tuple(deciders_for(request)),
                                  reason_wording=reason_wording))
    return request
