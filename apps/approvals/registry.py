"""What approvals plug into the portal (installed by ApprovalsConfig.ready(), see controltower.registries)."""

from apps.approvals.executors import approval_execute
from apps.approvals.outcomes import approval_writeback_finished
from apps.approvals.projector import approvals_project
from apps.approvals.services.decisions import WRITEBACK_KIND
from apps.sync.models import FeedKind

PROJECTORS = {FeedKind.APPROVAL: approvals_project}  # requests from the approval feeds' mirror
EXECUTORS = {WRITEBACK_KIND: approval_execute}  # a decision applied in Odoo
OUTCOMES = {WRITEBACK_KIND: approval_writeback_finished}  # conflict → the request shows it
