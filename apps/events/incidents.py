"""The store incidents' domain events (re-exported by `apps/events/types.py`, where the others are)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from apps.events.base import Event

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.incidents.models import IncidentComment, IncidentMessage, IncidentOverride, StoreIncident
    from apps.writeback.models import WriteBack


@dataclass(frozen=True)
class _IncidentEvent(Event):
    incident: StoreIncident

    @property
    def store_id(self) -> int | None:
        return self.incident.store_id


@dataclass(frozen=True)
class IncidentReported(_IncidentEvent):
    """A store incident exists: reported in the portal, or opened in Odoo for a store (from the sync).

    Payload: `incident` (source portal or odoo, status, deadline, category, urgency).
    """


@dataclass(frozen=True)
class IncidentStatusChanged(_IncidentEvent):
    """Odoo moved an incident to another status (stage, closure, deletion), seen by the sync.

    Payload: `incident` (with its new status), `from_status`.
    """

    from_status: str


@dataclass(frozen=True)
class IncidentUpdated(_IncidentEvent):
    """Odoo changed an incident's other fields (assignee, priority, team, stage name...).

    Payload: `incident`, `fields` (the names of the fields that changed).
    """

    fields: tuple[str, ...]


@dataclass(frozen=True)
class IncidentCommented(_IncidentEvent):
    """The store added a comment or photos to its incident.

    Payload: `incident`, `comment` (the new `IncidentComment`).
    """

    comment: IncidentComment


@dataclass(frozen=True)
class IncidentThreadReplied(_IncidentEvent):
    """Odoo's chatter said something new about an incident (a technician's or HQ's message or note, a
    stage change), mirrored into its thread by the chatter pull.

    Payload: `incident`, `messages` (the new `IncidentMessage` rows, oldest first).
    """

    messages: tuple[IncidentMessage, ...]


@dataclass(frozen=True)
class IncidentOverridden(_IncidentEvent):
    """A regional manager or HQ reprioritised, reassigned, extended or closed an incident as a duplicate.

    Payload: `incident` (after the override), `override` (kind, reason, before and after).
    """

    override: IncidentOverride


@dataclass(frozen=True)
class IncidentEscalated(_IncidentEvent):
    """An overdue incident was escalated to the region or HQ (once per tier).

    Payload: `incident` (its `escalation_tier`), `recipients` (who must act), `hours_overdue`.
    """

    recipients: tuple[User, ...]
    hours_overdue: int


@dataclass(frozen=True)
class IncidentWriteBackFinished(Event):
    """An incident's write-back reached a final status: its creation in Odoo (the incident then holds
    its Odoo id and status in_odoo, or undelivered), a chatter note, or an override.

    Payload: `writeback` (its kind and final status), `store` (the store id), `incident` (the
    incident for a creation, None for notes and overrides).
    """

    writeback: WriteBack
    store: int | None
    incident: StoreIncident | None = None

    @property
    def store_id(self) -> int | None:
        return self.store
