"""Deciding: approve or reject, alone, in bulk or by a system rule.

The decision, its write-back row and the audit entry are saved in one transaction; the write-back is
started once that transaction commits (`writeback_enqueue`), so the approver gets an answer at once
and Odoo is changed exactly once by the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps import events
from apps.approvals import conf
from apps.approvals.models import ApprovalRequest, ApprovalStatus, Decision, Outcome
from apps.approvals.policy import authority_check, is_requester
from apps.audit.services import audit_record
from apps.events.types import ApprovalDecided, ApprovalRetried
from apps.organisation.roles import Action
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from apps.approvals.policy import Terms

WRITEBACK_KIND = "approval"
MAX_COMMENT = 2000


def _locked(request: ApprovalRequest) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update().select_related("store", "feed").get(pk=request.pk)


def _round_approvers(request: ApprovalRequest) -> set[int]:
    return set(Decision.objects.filter(request=request, round=request.round, outcome=Outcome.APPROVE)
               .exclude(actor=None).values_list("actor_id", flat=True))


def decision_check(*, request: ApprovalRequest, actor: User, outcome: str, comment: str = "") -> None:
    """Every rule a person's decision must pass; raises PermissionDenied or ValidationError, changes nothing.

    Authority (scope and the tier's role), segregation of duties (never one's own request, never both
    approvals of a dual approval), an open request, and a reason for a rejection.
    """
    if outcome not in Outcome.values:
        raise ValidationError(_("The decision must be approve or reject."))
    if len(comment) > MAX_COMMENT:
        raise ValidationError(_("The comment is limited to %(count)s characters.") % {"count": MAX_COMMENT})
    authority_check(actor, request)
    if request.status != ApprovalStatus.OPEN:
        raise ValidationError(_("%(request)s is no longer open (%(status)s).") % {
            "request": request, "status": request.get_status_display().lower()})
    if outcome == Outcome.REJECT and not comment.strip():
        raise ValidationError(_("A reason is required to reject."))
    if is_requester(actor, request):
        raise PermissionDenied(_("You raised %(request)s in Odoo: someone else must decide it.") % {"request": request})
    if outcome == Outcome.APPROVE and actor.pk in _round_approvers(request):
        raise PermissionDenied(_("You already gave one of the two approvals %(request)s needs.") % {"request": request})


def _writeback_payload(request: ApprovalRequest, decision: Decision) -> dict[str, Any]:
    feed_settings = request.feed.settings or {}
    values = request.mirror.values if request.odoo_model == "stock.quant" else {}
    return {
        "outcome": decision.outcome, "feed": request.feed.slug, "reference": request.reference,
        "approver": decision.actor_label, "comment": decision.comment, "decision_id": decision.pk,
        "method": feed_settings.get(decision.outcome), "context": feed_settings.get("context") or {},
        "portal_link": f"{settings.SITE_URL}{reverse('approvals:detail', args=[request.pk])}",
        "counted": values.get("inventory_quantity"), "quantity": values.get("quantity"),
    }


def _finalise(request: ApprovalRequest, decision: Decision, actor: User | None, hold: float) -> None:
    """The request is decided: record it and queue the Odoo change under a per-round idempotency key,
    held for the undo window (`hold` seconds) when a person decided."""
    request.status = ApprovalStatus.APPROVED if decision.outcome == Outcome.APPROVE else ApprovalStatus.REJECTED
    request.decided_at = decision.created_at
    writeback = writeback_enqueue(
        kind=WRITEBACK_KIND, idempotency_key=f"approval:{request.pk}:round{request.round}",
        odoo_model=request.odoo_model, odoo_id=request.odoo_id, payload=_writeback_payload(request, decision),
        store=request.store, source=decision, created_by=actor, hold_seconds=hold)
    decision.writeback = writeback
    decision.save(update_fields=["writeback"])
    request.writeback = writeback
    request.save(update_fields=["status", "decided_at", "writeback", "updated_at"])


def _record(request: ApprovalRequest, *, outcome: str, comment: str, actor: User | None, actor_label: str,
            system_rule: str = "", http_request: HttpRequest | None = None, hold: float = 0) -> Decision:
    approvals = len(_round_approvers(request)) + (1 if outcome == Outcome.APPROVE else 0)
    final = outcome == Outcome.REJECT or approvals >= request.approvals_needed or bool(system_rule)
    decision = Decision.objects.create(
        request=request, round=request.round, outcome=outcome, comment=comment.strip(), actor=actor,
        actor_label=actor_label, system_rule=system_rule, policy_label=request.policy_label,
        policy_version=request.policy_version, tier=request.tier, final=final)
    before = {"status": request.status}
    if final:
        _finalise(request, decision, actor, hold)
    audit_record(action=f"approval.{outcome}", target=request, actor=actor, actor_label=actor_label,
                 store=request.store, request=http_request, before=before,
                 after={"status": request.status, "decision": decision.pk, "final": final,
                        "policy": request.policy_label, "tier": request.tier, "system_rule": system_rule},
                 message=decision.comment)
    events.emit(ApprovalDecided(request=request, decision=decision))
    return decision


def undo_seconds(undoable: bool = True) -> float:
    """The undo window a person's decision gets (CT_APPROVAL_UNDO_SECONDS; 0 switches undo off)."""
    return float(settings.CT_APPROVAL_UNDO_SECONDS) if undoable else 0.0


@transaction.atomic
def decision_record(*, request: ApprovalRequest, actor: User, outcome: str, comment: str = "",
                    http_request: HttpRequest | None = None, undoable: bool = True) -> Decision:
    """A person approves or rejects. The request is re-read under a row lock, so two approvers
    clicking at once cannot both decide it (the second gets "no longer open"). The write-back waits
    out the undo window (`apps.approvals.services.undo`) unless `undoable` is false (API clients, which have
    no undo)."""
    request = _locked(request)
    decision_check(request=request, actor=actor, outcome=outcome, comment=comment)
    with events.batched():  # the decision and its write-back: one live notice pass after commit
        return _record(request, outcome=outcome, comment=comment, actor=actor, actor_label=actor.get_username(),
                       http_request=http_request, hold=undo_seconds(undoable))


@transaction.atomic
def decisions_bulk_approve(*, requests: Sequence[ApprovalRequest], actor: User, comment: str = "",
                           http_request: HttpRequest | None = None) -> list[Decision]:
    """Approve a selection only when every item passes: one refusal refuses the whole selection, so
    the approver never has to find out which half went through."""
    if not requests:
        raise ValidationError(_("Select at least one request."))
    if len(requests) > conf.BULK_LIMIT:
        raise ValidationError(_("Approve at most %(count)s requests at once.") % {"count": conf.BULK_LIMIT})
    locked = list(ApprovalRequest.objects.select_for_update().select_related("store", "feed")
                  .filter(pk__in=[item.pk for item in requests]).order_by("pk"))
    problems = []
    for request in locked:
        try:
            if not request.allow_bulk:
                raise PermissionDenied(_("%(request)s: its policy (%(policy)s) needs a one-by-one decision.") % {
                    "request": request, "policy": request.policy_label})
            decision_check(request=request, actor=actor, outcome=Outcome.APPROVE, comment=comment)
        except (PermissionDenied, ValidationError) as exc:
            problems.append(exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    if problems:
        raise PermissionDenied(_("Nothing was approved.") + " " + " ".join(problems))
    with events.batched():
        return [_record(request, outcome=Outcome.APPROVE, comment=comment, actor=actor,
                        actor_label=actor.get_username(), http_request=http_request, hold=undo_seconds())
                for request in locked]


def decision_auto(*, request: ApprovalRequest, terms: Terms) -> Decision:
    """Auto-approval below the rule's threshold: a system decision naming the rule, written back like
    any other. Called by the projector inside the sync transaction."""
    rule = f"{terms.label}: auto-approve below {terms.auto_approve_below}"
    request = _locked(request)
    return _record(request, outcome=Outcome.APPROVE, comment=f"Approved automatically ({rule}).", actor=None,
                   actor_label="system", system_rule=rule)


def decision_retry(*, request: ApprovalRequest, actor: User, http_request: HttpRequest | None = None) -> Any:
    """Send a failed, conflicted or dead write-back of this request again (the executor re-reads Odoo
    first, so a retry never applies twice)."""
    from apps.organisation.scope import can
    from apps.writeback.services import writeback_replay

    if request.writeback is None:
        raise ValidationError(_("This request has no write-back to retry."))
    if not (can(actor, Action.DECIDE, request.store) or can(actor, Action.ADMINISTER, request.store)):
        raise PermissionDenied(_("You cannot retry write-backs for store %(store)s.") % {"store": request.store.code})
    try:
        writeback = writeback_replay(writeback=request.writeback, actor=actor, request=http_request)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    with transaction.atomic():
        if request.status == ApprovalStatus.CONFLICT:
            decided = request.decisions.filter(final=True, round=request.round).last()
            if decided is not None:
                ApprovalRequest.objects.filter(pk=request.pk).update(
                    status=ApprovalStatus.APPROVED if decided.outcome == Outcome.APPROVE else ApprovalStatus.REJECTED,
                    updated_at=timezone.now())
        events.emit(ApprovalRetried(request=request, writeback=writeback))
    return writeback
