"""What directives plug into the portal (installed by DirectivesConfig.ready(), see controltower.registries)."""

from apps.directives.executors import (
    KIND_CREATE,
    KIND_ITEM,
    KIND_TASK,
    create_outcome,
    followup_outcome,
    item_execute,
    task_create_execute,
    task_execute,
)
from apps.directives.projector import directives_project
from apps.sync.models import FeedKind

PROJECTORS = {FeedKind.DIRECTIVE: directives_project}  # store tasks closed or reopened in Odoo → store copies
EXECUTORS = {KIND_CREATE: task_create_execute, KIND_ITEM: item_execute, KIND_TASK: task_execute}
OUTCOMES = {KIND_CREATE: create_outcome, KIND_ITEM: followup_outcome, KIND_TASK: followup_outcome}
