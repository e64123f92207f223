"""Evaluate an Odoo domain on a record already fetched, to tell whether it is (still) open.

Incremental sync fetches every record changed since the cursor, so a record that left the feed (an
order approved directly in Odoo) is seen at once instead of waiting for reconciliation. Only the
fetched fields can be tested; dotted paths are refused when a feed is saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Domain = list[Any]


class DomainError(ValueError):
    pass


def _plain(value: Any) -> Any:
    # many2one values arrive as [id, display_name]
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
        return value[0]
    return value


def _like(pattern: Any, value: Any, *, case: bool) -> bool:
    if value in (False, None):
        return False
    text, needle = str(value), str(pattern)
    return needle in text if case else needle.lower() in text.lower()


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(value: Any, target: Any) -> bool:
        # `is`, not `in`: 0 == False in Python, and a 0 target or value is a real number here.
        if value is None or value is False or target is None or target is False:
            return False
        return compare(value, target)

    return check


OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda v, t: v == t or (t is False and v in (None, False, [])),
    "!=": lambda v, t: not (v == t or (t is False and v in (None, False, []))),
    "in": lambda v, t: v in t,
    "not in": lambda v, t: v not in t,
    "<": _ordered(lambda v, t: v < t),
    "<=": _ordered(lambda v, t: v <= t),
    ">": _ordered(lambda v, t: v > t),
    ">=": _ordered(lambda v, t: v >= t),
    "like": lambda v, t: _like(t, v, case=True),
    "ilike": lambda v, t: _like(t, v, case=False),
    "not ilike": lambda v, t: not _like(t, v, case=False),
    "=?": lambda v, t: t in (None, False) or v == t,
}


def validate_domain(domain: Domain, fields: list[str]) -> None:
    """Raise DomainError unless every leaf tests a fetched field with a known operator."""
    for term in domain:
        if term in ("&", "|", "!"):
            continue
        if not (isinstance(term, list | tuple) and len(term) == 3):
            raise DomainError(f"{term!r} is not a domain term like ['state', '=', 'draft'].")
        field, operator, _ = term
        if operator not in OPERATORS:
            raise DomainError(f"Operator {operator!r} is not supported here.")
        if field not in fields:
            raise DomainError(f"{field!r} must be one of the feed's fetched fields.")


def matches(domain: Domain, record: dict[str, Any]) -> bool:
    """True when the record satisfies the domain (Polish notation, implicit '&' between terms)."""
    if not domain:
        return True
    stack: list[bool] = []
    for term in reversed(domain):
        if term == "!":
            stack.append(not stack.pop())
        elif term in ("&", "|"):
            first, second = stack.pop(), stack.pop()
            stack.append(first and second if term == "&" else first or second)
        else:
            field, operator, target = term
            stack.append(OPERATORS[operator](_plain(record.get(field)), target))
    result = True
    for value in stack:
        result = result and value
    return result
