"""Every domain event of the portal, with its payload.

Each event is a frozen dataclass: its fields are the payload (model instances as they are after the
change, inside the emitting transaction), documented in the `Payload:` section of its docstring.
`store_id` names the store the change concerns (None: network-wide). Who emits each one and who
subscribes is in README "Development" → "Events". The incidents' events are defined in `incidents.py`
(this module would pass 400 lines) and imported here, so every event is imported from this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apps.events.base import Event, all_event_types
from apps.events.incidents import (  # noqa: F401 (re-exported: every event is importable from here)
    IncidentCommented,
    IncidentEscalated,
    IncidentOverridden,
    IncidentReported,
    IncidentStatusChanged,
    IncidentThreadReplied,
    IncidentUpdated,
    IncidentWriteBackFinished,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.approvals.models import ApprovalRequest, Decision
    from apps.directives.models import Directive, StoreDirective
    from apps.operations.models import ExceptionEvent, OpsException
    from apps.writeback.models import WriteBack


# -- approvals -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _ApprovalEvent(Event):
    request: ApprovalRequest

    @property
    def store_id(self) -> int | None:
        return self.request.store_id


@dataclass(frozen=True)
class ApprovalDecided(_ApprovalEvent):
    """A decision was recorded: by a person, in bulk (one event per request) or by a system rule.

    Payload: `request` (its status is approved/rejected when the decision was final, still open
    when a second approval is needed), `decision` (the new `Decision` row).
    """

    decision: Decision


@dataclass(frozen=True)
class ApprovalsArrived(Event):
    """A sync batch brought requests that wait for a decision: new ones, or ones Odoo sent back for a
    new round, still open after auto-approval.

    Payload: `requests` (the open requests of the batch, with their store, tier role and assignee).
    """

    requests: tuple[ApprovalRequest, ...]


@dataclass(frozen=True)
class ApprovalUndone(_ApprovalEvent):
    """A person took their decision back inside its undo window; nothing went to Odoo.

    Payload: `request` (open again when the decision was final), `decision_id` (the deleted
    `Decision`), `outcome` (approve or reject), `actor` (who undid it).
    """

    decision_id: int
    outcome: str
    actor: User


@dataclass(frozen=True)
class ApprovalReassigned(_ApprovalEvent):
    """A request was handed to another approver, with a reason.

    Payload: `request`, `assignee` (the new approver), `reason`.
    """

    assignee: User
    reason: str


@dataclass(frozen=True)
class ApprovalDeadlineExtended(_ApprovalEvent):
    """A request's deadline was moved later, with a reason (reminders restart).

    Payload: `request` (with its new deadline), `reason`.
    """

    reason: str


@dataclass(frozen=True)
class ApprovalEscalated(_ApprovalEvent):
    """A request went to the escalation tier (a person's override or its deadline passing).

    Payload: `request` (at its new tier), `reason` (English when the portal wrote it), `recipients`
    (the people who now decide it), `reason_wording` (the portal's reason as a phrase, for each
    reader's language; empty for a person's reason, shown as they wrote it).
    """

    reason: str
    recipients: tuple[User, ...]
    reason_wording: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ApprovalReminderDue(_ApprovalEvent):
    """A request is close to (or at) its deadline without a decision; marked on the request, so once.

    Payload: `request`, `subject` (what to tell: text, or `apps.notifications.wording.Words` written in
    each reader's language), `recipients` (who can decide it now).
    """

    subject: Any
    recipients: tuple[User, ...]


@dataclass(frozen=True)
class ApprovalWriteBackFinished(_ApprovalEvent):
    """The write-back of a request's decision reached a final status (a conflict marks the request).

    Payload: `request` (status conflict when Odoo had moved on), `writeback` (applied, conflict,
    failed or dead).
    """

    writeback: WriteBack


@dataclass(frozen=True)
class ApprovalRetried(_ApprovalEvent):
    """A decided request's failed write-back was sent again (a conflict returns to its decision).

    Payload: `request` (status as decided again), `writeback` (queued again).
    """

    writeback: WriteBack


# -- write-backs (the outbox) ---------------------------------------------------------------------

@dataclass(frozen=True)
class _WriteBackEvent(Event):
    writeback: WriteBack

    @property
    def store_id(self) -> int | None:
        return self.writeback.store_id


@dataclass(frozen=True)
class WriteBackQueued(_WriteBackEvent):
    """A change for Odoo was queued: a new outbox row, or a replayed one.

    Payload: `writeback` (status queued), `replayed` (True when a person sent it again).
    """

    replayed: bool = False


@dataclass(frozen=True)
class WriteBackWithdrawn(Event):
    """A held outbox row was withdrawn before any worker took it (its decision was undone).

    Payload: `writeback_id` (the deleted row), `store` (its store id, or None).
    """

    writeback_id: int
    store: int | None

    @property
    def store_id(self) -> int | None:
        return self.store


@dataclass(frozen=True)
class WriteBackDeferred(Event):
    """An outbox row will be tried later: Odoo is away (waiting), a crash is retried, or its worker
    died (recovered). Bulk paths emit one event per row.

    Payload: `writeback_id`, `status` (waiting or retrying), `reason`, `store` (its store id, or None).
    """

    writeback_id: int
    status: str
    reason: str
    store: int | None

    @property
    def store_id(self) -> int | None:
        return self.store


@dataclass(frozen=True)
class WriteBackFinished(_WriteBackEvent):
    """An outbox row reached a final status, after the owning app's outcome ran in the same transaction.

    Payload: `writeback` (status applied, conflict, failed or dead; `last_error`, `attempts`, `result`).
    """


@dataclass(frozen=True)
class WriteBacksDeadLettered(Event):
    """Rows were dead-lettered because Odoo stayed unreachable past the outage window.

    Payload: `writebacks` (the rows, status dead), `window_hours`.
    """

    writebacks: tuple[WriteBack, ...]
    window_hours: float


# -- incidents: defined in apps/events/incidents.py, imported above --------------------------------


# -- operational exceptions ----------------------------------------------------------------------

@dataclass(frozen=True)
class _ExceptionChange(Event):
    exception: OpsException
    change: ExceptionEvent | None

    @property
    def store_id(self) -> int | None:
        return self.exception.store_id


@dataclass(frozen=True)
class ExceptionOpened(_ExceptionChange):
    """An exception opened, or reopened because its Odoo condition returned.

    Payload: `exception`, `change` (its history row: action opened or reopened).
    """


@dataclass(frozen=True)
class ExceptionResolved(_ExceptionChange):
    """An exception ended: resolved by a person, or closed because Odoo no longer reports it.

    Payload: `exception`, `change` (its history row: action resolved or closed).
    """


@dataclass(frozen=True)
class ExceptionUpdated(_ExceptionChange):
    """Anything else about an exception changed: acknowledged, assigned, snoozed, a snooze ended,
    severity, figures from Odoo, a write-back's outcome.

    Payload: `exception`, `change` (its history row, or None when only figures moved).
    """


# -- store directives ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DirectivePublished(Event):
    """A directive was published: every targeted store has its copy (network-wide event).

    Payload: `directive` (published), `store_codes` (the stores it reached).
    """

    directive: Directive
    store_codes: tuple[str, ...]


@dataclass(frozen=True)
class _DirectiveCopyEvent(Event):
    copy: StoreDirective

    @property
    def store_id(self) -> int | None:
        return self.copy.store_id


@dataclass(frozen=True)
class DirectiveStoreCompleted(_DirectiveCopyEvent):
    """A store's copy is done: every item approved by the region, or its task closed in Odoo.

    Payload: `copy` (approved, with `approved_at`, `on_time` and `closed_in_odoo`).
    """


@dataclass(frozen=True)
class DirectiveOverdue(_DirectiveCopyEvent):
    """A store had not finished a directive by its due time (told once per copy).

    Payload: `copy` (still open, past `due_at`).
    """


# -- health and sync -----------------------------------------------------------------------------

@dataclass(frozen=True)
class HealthSignalsChanged(Event):
    """Workflow health signals changed status (or appeared, or were retired) in one pass.

    Payload: `keys` (the signals whose status changed).
    """

    keys: tuple[str, ...]


@dataclass(frozen=True)
class FeedBatchSynced(Event):
    """A sync batch changed mirrored records of a feed (its projector ran in the same transaction).

    Payload: `feed_kind` (approval, incident, exception, health...), `store_ids` (stores touched).
    """

    feed_kind: str
    store_ids: frozenset[int]


__all__ = ["Event", "all_event_types"]  # the base lives in base.py; every concrete event is defined here
