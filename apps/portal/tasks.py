"""Celery tasks of the portal shell: they call the services."""

from __future__ import annotations

from celery import shared_task

from apps.portal.odoo_languages import odoo_languages_refresh


@shared_task(name="portal.refresh_odoo_languages", ignore_result=True)
def refresh_odoo_languages(user_ids: list[int] | None = None) -> None:
    odoo_languages_refresh(user_ids=user_ids)
