"""Celery tasks for outbound webhooks: they take ids and call the delivery functions."""

from __future__ import annotations

from celery import shared_task

from apps.webhooks import delivery


@shared_task(name="webhooks.deliver", ignore_result=True, acks_late=True)
def deliver_webhook(pk: int) -> None:
    """Retries are scheduled on the row (next_attempt_at) and sent by the dispatcher, not by Celery,
    so they survive a broker restart."""
    delivery.delivery_run(pk)


@shared_task(name="webhooks.dispatch", ignore_result=True)
def dispatch_webhooks() -> None:
    delivery.deliveries_dispatch()


@shared_task(name="webhooks.prune", ignore_result=True)
def prune_webhooks() -> None:
    delivery.deliveries_prune()
