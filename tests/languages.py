"""Helpers for tests that read the portal in French or Spanish: compiled catalogs and a person's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real

from apps.notifications.models import NotificationSettings


@pytest.fixture(scope="session")
def compiled_catalogs() -> None:
    """The .mo files (not committed; `make test` compiles them too), read afresh by this process."""
    call_command("compilemessages", locale=["fr", "es"], ignore_patterns=[".venv"], verbosity=0)
    trans_real._translations = {}
    trans_real._default = None
    trans_real.translation.cache_clear() if hasattr(trans_real.translation, "cache_clear") else None


def speaks(user: Any, language: str) -> Any:
    """The person chose `language` on their preferences."""
    NotificationSettings.objects.update_or_create(user=user, defaults={"language": language})
    return user
