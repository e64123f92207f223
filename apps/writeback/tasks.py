"""Celery tasks for write-backs: they take ids and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from apps.writeback import services


@shared_task(name="writeback.apply", ignore_result=True, acks_late=True, bind=True)
def apply_writeback(self: Any, pk: int) -> None:
    """Retries are scheduled on the row (next_attempt_at) and driven by the dispatcher, not by Celery,
    so they survive a broker restart. A task that arrives before the row's hold ends (a clock ahead,
    an early broker) sends itself again for the rest of the hold."""
    if services.writeback_run(pk) is None and not self.request.is_eager:
        remaining = services.writeback_hold_remaining(pk)
        if remaining > 0:
            apply_writeback.apply_async((pk,), countdown=remaining)


@shared_task(name="writeback.dispatch", ignore_result=True)
def dispatch_writebacks() -> None:
    services.writebacks_dispatch()
