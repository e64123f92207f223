"""Helpers for tests that read the portal in French or Spanish (see also the `compiled_catalogs` fixture)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from apps.notifications.models import NotificationSettings


def speaks(user: Any, language: str) -> Any:
    """The person chose `language` on their preferences."""
    NotificationSettings.objects.update_or_create(user=user, defaults={"language": language})
    return user


def client_speaking(user: Any, language: str) -> Client:
    """A client signed in as `user`, who chose `language`."""
    client = Client()
    client.force_login(speaks(user, language))
    return client
