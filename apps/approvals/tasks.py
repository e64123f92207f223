"""Celery tasks of approvals: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from apps.approvals.services.deadlines import approvals_deadlines_check


@shared_task(name="approvals.check_deadlines", ignore_result=True)
def check_deadlines() -> None:
    approvals_deadlines_check()
