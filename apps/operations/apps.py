from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_rules(sender: AppConfig, **kwargs: Any) -> None:
    from apps.operations.rules import rules_ensure

    rules_ensure()


class OperationsConfig(AppConfig):
    name = "apps.operations"
    verbose_name = "Operational exceptions"

    def ready(self) -> None:
        from apps.operations import executors, services
        from apps.operations.projector import exceptions_project
        from apps.sync.models import FeedKind
        from apps.sync.projectors import projector_register
        from apps.writeback.executors import executor_register
        from apps.writeback.services import outcome_register

        projector_register(FeedKind.EXCEPTION, exceptions_project)
        executor_register(services.SNOOZE_WRITEBACK, executors.orderpoint_snooze)
        executor_register(services.ACTIVITY_DONE_WRITEBACK, executors.activity_done)
        outcome_register(services.SNOOZE_WRITEBACK, executors.writeback_outcome)
        outcome_register(services.ACTIVITY_DONE_WRITEBACK, executors.writeback_outcome)
        # Severity rules exist as soon as the tables do; operations tune them in the admin.
        post_migrate.connect(_ensure_rules, sender=self)
