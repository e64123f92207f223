from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Domain events and their subscribers (see the package docstring)."""

    name = "apps.events"
    verbose_name = _("Domain events")
