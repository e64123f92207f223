"""Installing each app's `registry.py`: the one place per app that lists what it plugs into the portal.

An app's registry module may define any of these module-level names (README "Development" →
"Registries" lists who fills what):

- `PROJECTORS`: feed kind → projector (`apps.sync.projectors`: mirror records → the app's rows)
- `EXECUTORS`: write-back kind → executor (`apps.writeback.executors`: the Odoo call of an outbox row)
- `OUTCOMES`: write-back kind → outcome (`apps.writeback.services`: what a final status means for the
  app's rows, in the transaction that records it)
- `SUBSCRIBERS`: domain event subscribers (`apps.events`)
- `POLICY_AMOUNTS`: providers of the amount an approval policy's bands judge where it is not the
  request's own (`apps.approvals.policy.policy_amounts`)
- `CHANGE_LISTENERS`: called with the store ids of every live notice, before it goes out
  (`apps.live.broadcast`)

Beat schedules are collected the same way from each app's `schedule.py` (`controltower.celery`).
"""

from __future__ import annotations

from types import ModuleType


def registry_install(registry: ModuleType) -> None:
    """Called from the app's `AppConfig.ready()`; installing twice changes nothing."""
    from apps import events
    from apps.live.broadcast import change_listener_register
    from apps.sync.projectors import projector_register
    from apps.writeback.executors import executor_register
    from apps.writeback.services import outcome_register

    for kind, projector in getattr(registry, "PROJECTORS", {}).items():
        projector_register(kind, projector)
    for kind, executor in getattr(registry, "EXECUTORS", {}).items():
        executor_register(kind, executor)
    for kind, outcome in getattr(registry, "OUTCOMES", {}).items():
        outcome_register(kind, outcome)
    events.subscribe(getattr(registry, "SUBSCRIBERS", []))
    if getattr(registry, "POLICY_AMOUNTS", None):
        from apps.approvals.policy import policy_amounts_register

        for provider in registry.POLICY_AMOUNTS:
            policy_amounts_register(provider)
    for listener in getattr(registry, "CHANGE_LISTENERS", []):
        change_listener_register(listener)
