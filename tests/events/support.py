"""Helpers for the event tests."""

from __future__ import annotations

from typing import Any

from apps.events.types import Event


def of(kind: type[Event], recorded: list[Event]) -> list[Any]:
    """The recorded events of exactly this type, in order."""
    return [event for event in recorded if type(event) is kind]
