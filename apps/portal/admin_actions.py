"""Admin actions that apply a service to each selected row (revoke, replay, redeliver)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def each_apply(model_admin: admin.ModelAdmin[Any], request: HttpRequest, rows: Iterable[Any],
               service: Callable[[Any], object], *, refusals: tuple[type[Exception], ...],
               done: tuple[str, str]) -> None:
    """`service(row)` for every row; a refusal is reported for its row and the rest go on. `done` is the
    closing message for one row and for any other number, after the number of rows the service accepted
    (`("token revoked.", "tokens revoked.")`)."""
    count = 0
    for row in rows:
        try:
            service(row)
            count += 1
        except refusals as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            model_admin.message_user(request, f"{row}: {reason}", messages.WARNING)
    model_admin.message_user(request, f"{count} {done[0] if count == 1 else done[1]}")
