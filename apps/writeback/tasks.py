"""Celery tasks for write-backs: they take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from apps.writeback import services


@shared_task(name="writeback.apply", ignore_result=True, acks_late=True)
def apply_writeback(pk: int) -> None:
    """Retries are scheduled on the row (next_attempt_at) and driven by the dispatcher, not by Celery,
    so they survive a broker restart."""
    services.writeback_run(pk)


@shared_task(name="writeback.dispatch", ignore_result=True)
def dispatch_writebacks() -> None:
    services.writebacks_dispatch()
