"""The Celery app: tasks are discovered in every installed app's `tasks.py`, and periodic tasks in
every app's `schedule.py` (`BEAT_SCHEDULE`), so apps add schedules without touching settings."""

from __future__ import annotations

import importlib
import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controltower.settings")

app = Celery("controltower")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def collected_beat_schedule() -> dict[str, dict[str, Any]]:
    from django.apps import apps as django_apps

    schedule: dict[str, dict[str, Any]] = {}
    for config in django_apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedule":
                raise
            continue
        schedule.update(getattr(module, "BEAT_SCHEDULE", {}))
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **kwargs: Any) -> None:
    sender.conf.beat_schedule = {**collected_beat_schedule(), **(sender.conf.beat_schedule or {})}


@worker_ready.connect  # the worker's own process (the solo and thread pools run tasks there)
@worker_process_init.connect  # each forked pool process
def _heap_freeze(**kwargs: Any) -> None:
    from controltower.runtime import heap_freeze

    heap_freeze()


@worker_process_init.connect
def _forget_inherited_connection_pool(**kwargs: Any) -> None:
    """A forked worker process must not share its parent's pooled PostgreSQL sockets: drop the
    inherited pool object (its connections belong to the parent) so the child opens its own."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        pools = getattr(type(connection), "_connection_pools", None)
        if pools is not None:
            pools.pop(connection.alias, None)
        connection.connection = None
