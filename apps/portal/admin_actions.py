"""Admin actions that apply a service to each selected row (revoke, replay, redeliver)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def each_apply(model_admin: admin.ModelAdmin[Any], request: HttpRequest, rows: Iterable[Any],
               service: Callable[[Any], object], *, refusals: tuple[type[Exception], ...],
               done: Callable[[int], str]) -> None:
    """`service(row)` for every row; a refusal is reported for its row and the rest go on. `done` writes
    the closing message for the number of rows the service accepted, in the reader's language
    (`lambda count: ngettext("%(count)d token revoked.", ...)`)."""
    count = 0
    for row in rows:
        try:
            service(row)
            count += 1
        except refusals as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            model_admin.message_user(request, f"{row}: {reason}", messages.WARNING)
    model_admin.message_user(request, done(count))
