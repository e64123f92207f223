"""What operations plug into the portal (installed by OperationsConfig.ready(), see controltower.registries)."""

from apps.operations.executors import activity_done, orderpoint_snooze, writeback_outcome
from apps.operations.projector import exceptions_project
from apps.operations.services import ACTIVITY_DONE_WRITEBACK, SNOOZE_WRITEBACK
from apps.sync.models import FeedKind

PROJECTORS = {FeedKind.EXCEPTION: exceptions_project}  # mirror records → exceptions opening and closing
EXECUTORS = {SNOOZE_WRITEBACK: orderpoint_snooze, ACTIVITY_DONE_WRITEBACK: activity_done}
OUTCOMES = {SNOOZE_WRITEBACK: writeback_outcome, ACTIVITY_DONE_WRITEBACK: writeback_outcome}
