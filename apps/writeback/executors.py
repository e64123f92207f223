"""How each kind of write-back is applied. Domain apps register their executors at start-up.

An executor receives the row and the gateway. It must be idempotent: re-read Odoo first and treat
"already done" as success, because a worker may die after Odoo applied the change but before the
row was marked. It raises `WriteBackConflict` when Odoo moved elsewhere, `WriteBackRefused` for a
permanent refusal, and lets `OdooUnavailable` through for a retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.odoo_gateway import OdooGateway
from apps.portal.phrases import Text, english, phrase
from apps.writeback.models import WriteBack

Executor = Callable[[WriteBack, OdooGateway], dict[str, Any]]
_EXECUTORS: dict[str, Executor] = {}


class WriteBackProblem(Exception):
    """Why a write-back did not apply. Given as a phrase it is kept with the row and read in each
    reader's language (`WriteBack.error_text`); `str()` is its English."""

    def __init__(self, message: Text) -> None:
        super().__init__(english(message))
        self.said = message


class WriteBackConflict(WriteBackProblem):
    """Odoo's record is no longer in a state where the change makes sense (nothing was called)."""


class WriteBackRefused(WriteBackProblem):
    """A permanent failure: retrying cannot help (configuration, a business rule, a missing record)."""


class WizardReturned(WriteBackRefused):
    """Odoo answered with a wizard action that needs a person in Odoo (never looped on)."""


def executor_register(kind: str, executor: Executor) -> None:
    _EXECUTORS[kind] = executor


def executor_for(kind: str) -> Executor:
    try:
        return _EXECUTORS[kind]
    except KeyError:
        raise WriteBackRefused(phrase("No executor is registered for write-back kind %(kind)s.",
                                      kind=repr(kind))) from None


def save_progress(writeback: WriteBack, **steps: Any) -> None:
    """Persist a finished step at once, so a crash after it does not repeat it (e.g. a chatter note)."""
    writeback.result = {**writeback.result, **steps}
    WriteBack.objects.filter(pk=writeback.pk).update(result=writeback.result)
