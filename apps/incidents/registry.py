"""What incidents plug into the portal (installed by IncidentsConfig.ready(), see controltower.registries)."""

from apps.incidents.executors import (
    KIND_CREATE,
    KIND_NOTE,
    KIND_OVERRIDE,
    create_execute,
    create_outcome,
    followup_outcome,
    note_execute,
    override_execute,
)
from apps.incidents.projector import incidents_project
from apps.sync.models import FeedKind

PROJECTORS = {FeedKind.INCIDENT: incidents_project}  # Odoo's tasks, tickets and requests → incidents
EXECUTORS = {KIND_CREATE: create_execute, KIND_NOTE: note_execute, KIND_OVERRIDE: override_execute}
OUTCOMES = {KIND_CREATE: create_outcome, KIND_NOTE: followup_outcome, KIND_OVERRIDE: followup_outcome}
