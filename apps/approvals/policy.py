"""The approval policy: which rule governs a request, who may decide it, and policy changes.

Rules are rows (`ApprovalPolicy`, edited in the admin). When no rule matches, the built-in default
applies: the region's managers decide within `CT_APPROVAL_SLA_HOURS`, then HQ within
`CT_APPROVAL_ESCALATION_SLA_HOURS`, one approval, no auto-approval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction

from apps.approvals import conf
from apps.approvals.models import DECIDING_ROLES, ApprovalPolicy, ApprovalRequest, OdooUserLink
from apps.audit.services import audit_record
from apps.organisation.roles import Action, Role
from apps.organisation.scope import can, has_network_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

    from apps.organisation.models import Store
    from apps.sync.models import Feed, MirrorRecord

# Where the amount a rule's band judges is not the amount Odoo gives: a count reported from the store
# floor is judged by the value of its difference, not by the quantity. An app registers a provider
# (registry `POLICY_AMOUNTS`): given a batch's feed and its mirrored records, the amounts by Odoo id.
PolicyAmounts = Callable[["Feed", Sequence["MirrorRecord"]], dict[int, Decimal]]
_POLICY_AMOUNTS: list[PolicyAmounts] = []


def policy_amounts_register(provider: PolicyAmounts) -> None:
    if provider not in _POLICY_AMOUNTS:
        _POLICY_AMOUNTS.append(provider)


def policy_amounts(feed: Feed, records: Sequence[MirrorRecord]) -> dict[int, Decimal]:
    """The registered providers' amounts for these records (none: each request's own amount)."""
    amounts: dict[int, Decimal] = {}
    for provider in _POLICY_AMOUNTS:
        amounts.update(provider(feed, records))
    return amounts


@dataclass(frozen=True)
class Terms:
    """What a matched rule (or the default) says for one request."""

    policy: ApprovalPolicy | None
    label: str
    version: int
    auto_approve_below: Decimal | None
    tier1_role: str
    tier1_sla: timedelta
    tier2_role: str
    tier2_sla_hours: Decimal
    approvals_needed: int
    allow_bulk: bool


def _default_terms() -> Terms:
    return Terms(policy=None, label="default policy", version=0, auto_approve_below=None,
                 tier1_role=Role.REGIONAL_MANAGER, tier1_sla=timedelta(hours=conf.DEFAULT_SLA_HOURS),
                 tier2_role=Role.HQ_EXECUTIVE, tier2_sla_hours=Decimal(str(conf.ESCALATION_SLA_HOURS)),
                 approvals_needed=1, allow_bulk=True)


def _matches(rule: ApprovalPolicy, *, kind: str, amount: Decimal, store: Store, store_ids: set[int]) -> bool:
    if rule.kind and rule.kind != kind:
        return False
    if rule.min_amount is not None and amount < rule.min_amount:
        return False
    if rule.max_amount is not None and amount >= rule.max_amount:
        return False
    if rule.region_id is not None and rule.region_id != store.region_id:
        return False
    return not store_ids or store.pk in store_ids


class PolicyBook:
    """The active rules, read once: the projector puts a whole batch of requests under the policy
    without a query per request."""

    def __init__(self) -> None:
        self.rules = [(rule, {item.pk for item in rule.stores.all()})
                      for rule in ApprovalPolicy.objects.filter(active=True).prefetch_related("stores")]

    def terms_for(self, *, kind: str, amount: Decimal, store: Store) -> Terms:
        """The first active rule, by priority, that matches kind, amount band, region and store group."""
        for rule, store_ids in self.rules:
            if _matches(rule, kind=kind, amount=amount, store=store, store_ids=store_ids):
                return Terms(policy=rule, label=str(rule), version=rule.version,
                             auto_approve_below=rule.auto_approve_below, tier1_role=rule.tier1_role,
                             tier1_sla=timedelta(hours=float(rule.tier1_sla_hours)), tier2_role=rule.tier2_role,
                             tier2_sla_hours=rule.tier2_sla_hours, approvals_needed=2 if rule.dual_approval else 1,
                             allow_bulk=rule.allow_bulk)
        return _default_terms()


def policy_terms_for(*, kind: str, amount: Decimal, store: Store) -> Terms:
    """The first active rule, by priority, that matches kind, amount band, region and store group."""
    return PolicyBook().terms_for(kind=kind, amount=amount, store=store)


def policy_apply(request: ApprovalRequest, *, now: datetime, book: PolicyBook | None = None,
                 amount: Decimal | None = None) -> Terms:
    """Put a (new or reopened) request under the current policy: tier 1, its deadline and reminder.
    `amount` is what the bands judge when it is not the request's own (see `policy_amounts`)."""
    amount = abs(request.amount) if amount is None else amount
    terms = (book or PolicyBook()).terms_for(kind=request.kind, amount=amount, store=request.store)
    request.policy = terms.policy
    request.policy_label = terms.label
    request.policy_version = terms.version
    request.approvals_needed = terms.approvals_needed
    request.allow_bulk = terms.allow_bulk
    request.tier = 1
    request.required_role = terms.tier1_role
    request.escalation_role = terms.tier2_role
    request.escalation_sla_hours = terms.tier2_sla_hours
    deadline_set(request, start=now, deadline=now + terms.tier1_sla)
    request.escalated_at = None
    return terms


def deadline_set(request: ApprovalRequest, *, start: datetime, deadline: datetime) -> None:
    """A new deadline restarts the reminders: one at the configured share of the time, one at it."""
    request.deadline = deadline
    request.remind_at = start + (deadline - start) * conf.REMINDER_SHARE
    request.reminded_at = None
    request.due_notified_at = None


def role_rank(user: User | AnonymousUser, store: Store) -> int:
    """How high the user's deciding role reaches on this store: -1 none, 0 regional, 1 HQ.

    Read through the scope choke point: network-wide DECIDE is HQ, DECIDE on the store is regional.
    """
    if has_network_scope(user, Action.DECIDE):
        return DECIDING_ROLES.index(Role.HQ_EXECUTIVE)
    if can(user, Action.DECIDE, store):
        return DECIDING_ROLES.index(Role.REGIONAL_MANAGER)
    return -1


def authority_check(user: User | AnonymousUser, request: ApprovalRequest) -> None:
    """Raise PermissionDenied naming what is missing; the caller has already scoped the request."""
    rank = role_rank(user, request.store)
    if rank < 0:
        raise PermissionDenied(f"You cannot decide for store {request.store.code}.")
    needed = Role(request.required_role)
    if rank < DECIDING_ROLES.index(needed):
        raise PermissionDenied(f"{request} needs a decision by a {needed.label.lower()} (tier {request.tier}).")


def is_requester(user: User | AnonymousUser, request: ApprovalRequest) -> bool:
    """Segregation of duties: is this person any of the Odoo users who made the request (its creator,
    its requester fields, an expense's employee; see `apps.approvals.requesters`)?"""
    odoo_ids = {*request.requester_odoo_ids, request.requester_odoo_id} - {None}
    if not user.is_authenticated or not odoo_ids:
        return False
    return OdooUserLink.objects.filter(user_id=user.pk, odoo_user_id__in=odoo_ids).exists()


@transaction.atomic
def policy_save(*, policy: ApprovalPolicy, actor: User | None, request: HttpRequest | None = None,
                store_ids: list[int] | None = None) -> ApprovalPolicy:
    """Save a rule as a new version and audit what changed. Requests already under the rule keep
    the version they were opened with until they are reopened."""
    before: dict[str, object] = {}
    if policy.pk:
        previous = ApprovalPolicy.objects.select_for_update().get(pk=policy.pk)
        before = previous.snapshot()
        policy.version = previous.version + 1
    policy.full_clean()
    policy.save()
    if store_ids is not None:
        policy.stores.set(store_ids)
    audit_record(action="approval_policy.created" if not before else "approval_policy.changed", target=policy,
                 actor=actor, request=request, before=before, after=policy.snapshot())
    return policy
