from __future__ import annotations

from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "apps.approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        # Requests are built from the approval feeds' mirror, decisions applied by the outbox.
        from apps.approvals.executors import approval_execute
        from apps.approvals.outcomes import approval_writeback_finished
        from apps.approvals.projector import approvals_project
        from apps.sync.models import FeedKind
        from apps.sync.projectors import projector_register
        from apps.writeback.executors import executor_register
        from apps.writeback.services import outcome_register

        projector_register(FeedKind.APPROVAL, approvals_project)
        executor_register("approval", approval_execute)
        outcome_register("approval", approval_writeback_finished)
