"""Checks on Odoo's answers: the gateway promises types, so a surprise is an error here, not a crash later.

A proxy, a customised Odoo or a future version may answer a `search_read` with something that is
not a list of records; failing at the edge with `OdooMalformedAnswer` names the call that went wrong
instead of a `TypeError` deep inside a sync loop.
"""

from __future__ import annotations

from typing import Any

from .errors import OdooMalformedAnswer
from .transports.base import RemoteCall

Record = dict[str, Any]


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _malformed(call: RemoteCall, expected: str) -> OdooMalformedAnswer:
    return OdooMalformedAnswer(f"Odoo did not answer with {expected}", model=call.model, method=call.method)


def as_records(result: Any, call: RemoteCall) -> list[Record]:
    if not isinstance(result, list) or not all(isinstance(row, dict) for row in result):
        raise _malformed(call, "a list of records")
    return result


def as_id_list(result: Any, call: RemoteCall) -> list[int]:
    if not isinstance(result, list) or not all(_is_id(i) for i in result):
        raise _malformed(call, "a list of ids")
    return result


def as_count(result: Any, call: RemoteCall) -> int:
    if not _is_id(result):
        raise _malformed(call, "a count")
    return int(result)


def as_write_result(result: Any, call: RemoteCall) -> bool:
    if not isinstance(result, bool):
        raise _malformed(call, "a boolean")
    return result


def as_one_id(result: Any, call: RemoteCall) -> int:
    """The new record's id: JSON-RPC answers the id, JSON-2 may answer the recordset's ids, `[id]`."""
    if isinstance(result, list) and len(result) == 1:
        result = result[0]
    if not _is_id(result):
        raise _malformed(call, "a record id")
    return int(result)
