"""What every transport shares: the call description, the round-trip counter, the interface.

A `RemoteCall` names each positional parameter, because the two protocols disagree on how to pass
them: JSON-RPC's `execute_kw` takes `args` by position (the recorded contract shows
`search_read [[domain]] {fields, ...}`), while JSON-2 takes named arguments only
(`{"domain": ..., "fields": ...}`). Describing a call once, with names, lets each transport render it
its own way without the gateway knowing which one it talks to.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class RemoteCall:
    """One model method call.

    `ids` is None for model-level methods (`search_read`, `create`) and a list for record methods
    (`write`, `button_confirm`). `positional` holds the method's positional parameters as
    `(name, value)` pairs; a name of None marks a parameter given by position only (from
    `OdooGateway.call(*args)`), which JSON-2 cannot express.
    """

    model: str
    method: str
    ids: list[int] | None = None
    positional: tuple[tuple[str | None, Any], ...] = ()
    keywords: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] | None = None

    def jsonrpc_args(self) -> tuple[list[Any], dict[str, Any]]:
        """`(args, kwargs)` for `execute_kw`."""
        args: list[Any] = [] if self.ids is None else [list(self.ids)]
        args.extend(value for _, value in self.positional)
        kwargs = dict(self.keywords)
        if self.context is not None:
            kwargs["context"] = self.context
        return args, kwargs

    def unnamed_positionals(self) -> int:
        return sum(1 for name, _ in self.positional if name is None)

    def json2_body(self) -> dict[str, Any]:
        """The JSON-2 body: `ids`, `context` and every parameter by name."""
        body: dict[str, Any] = {}
        if self.ids is not None:
            body["ids"] = list(self.ids)
        for name, value in self.positional:
            if name is None:
                raise ValueError("JSON-2 takes named arguments only")
            body[name] = value
        body.update(self.keywords)
        if self.context is not None:
            body["context"] = self.context
        return body


class RpcCounter:
    """Counts HTTP requests actually sent to Odoo; shared by a gateway and its transports.

    Benchmarks and query-count tests pin this number, so it counts every request put on the wire,
    including the version probe and login, and a request that then fails.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def increment(self) -> None:
        with self._lock:
            self._value += 1

    @property
    def value(self) -> int:
        return self._value

    def reset(self) -> None:
        with self._lock:
            self._value = 0


class Transport(Protocol):
    """A way to run `RemoteCall`s against one Odoo database as one user."""

    name: str

    def execute(self, call: RemoteCall) -> Any:
        """The method's result (None when Odoo returned nothing), or an `OdooError`."""

    def connect(self) -> None:
        """Authenticate now (idempotent): lets the gateway retry connecting even before a write."""

    def close(self) -> None:
        """Forget the session and its connections (a new login follows on next use)."""


def as_ids(ids: int | Sequence[int]) -> list[int]:
    """A list of record ids from one id or several (rejecting bools, which Odoo would accept)."""
    values = [ids] if isinstance(ids, int) else list(ids)
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"record ids must be integers, got {value!r}")
    return values
