from __future__ import annotations

from django.apps import AppConfig


class EventsConfig(AppConfig):
    """Domain events and their subscribers (see the package docstring)."""

    name = "apps.events"
    verbose_name = "Domain events"
