"""The base of every domain event, and the list of the concrete ones (those defined in `types.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """Base class of every domain event (subscribe to it to hear all of them)."""

    @property
    def store_id(self) -> int | None:
        return None


def all_event_types() -> list[type[Event]]:
    """Every concrete event type (the ones services emit)."""
    found: list[type[Event]] = []
    pending: list[Any] = list(Event.__subclasses__())
    while pending:
        cls = pending.pop(0)
        pending.extend(cls.__subclasses__())
        if not cls.__name__.startswith("_"):
            found.append(cls)
    return found
