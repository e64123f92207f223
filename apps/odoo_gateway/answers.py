"""Checks on Odoo's answers: the gateway promises types, so a surprise is an error here, not a crash later.

A proxy, a customised Odoo or a future version may answer a `search_read` with something that is
not a list of records; failing at the edge with `OdooMalformedAnswer` names the call that went wrong
instead of a `TypeError` deep inside a sync loop.
"""

from __future__ import annotations

import re
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


# `mail.activity(23,)`, `res.partner(1, 2)`, `mail.message()`: a recordset as Odoo 18's JSON encoder writes it.
_RECORDSET = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)*\(((?:\d+, ?)*\d*)\)$")


def record_ids(result: Any, call: RemoteCall, *, none_is_empty: bool = False) -> list[int]:
    """The ids of the records a call answered, whatever shape this Odoo version gives them.

    The one place that reads a "records" answer: Odoo 18 answers `create` and `message_post` with an
    id, `activity_schedule` with the recordset's repr (`"mail.activity(23,)"`); Odoo 19 answers every
    recordset with its ids (`[23]`) on both transports, and `create` of one dict with `[id]` over
    JSON-2. With `none_is_empty`, `false`/`null` (a method that found nothing to return) is no record.
    """
    if none_is_empty and (result is False or result is None):
        return []
    if _is_id(result):
        return [int(result)]
    if isinstance(result, list) and all(_is_id(i) for i in result):
        return [int(i) for i in result]
    if isinstance(result, str):
        match = _RECORDSET.match(result.strip())
        if match:
            return [int(part) for part in match.group(1).replace(" ", "").split(",") if part]
    raise _malformed(call, "records (an id, a list of ids or a recordset)")


def as_one_id(result: Any, call: RemoteCall) -> int:
    """The one record a call made or returned (`create`, `message_post`, `activity_schedule`...)."""
    ids = record_ids(result, call)
    if len(ids) != 1:
        raise _malformed(call, "one record id")
    return ids[0]
