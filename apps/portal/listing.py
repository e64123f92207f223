"""Lists people can work: a text search, sortable columns and keyset pagination, shared by the
approval inbox, incidents, exceptions and the audit trail.

Keyset, not OFFSET: a page is "the rows after this one in this order" (the cursor is the last row's
sort values and id), so a page costs the same at row 10 and row 100,000 and a row decided meanwhile
never shifts the next page. The queryset handed in is already scoped (the choke point); this module
only narrows and orders it, and every parameter it reads is validated (a bad cursor is the first page).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict

M = TypeVar("M", bound=Model)
MAX_QUERY = 100


@dataclass(frozen=True)
class ListSpec:
    """What a list offers: sort keys (name → field path, or several separated by commas, each with
    "-" to run against the key's direction, e.g. "severity,-opened_at"), the default sort ("-" for
    descending), the fields the text search looks in, and the page size. Sort fields are never null."""

    sorts: dict[str, str]
    default_sort: str
    search_fields: tuple[str, ...]
    page_size: int = 50


@dataclass
class Listing(Generic[M]):
    """One page of a list, with what the template needs to offer search, sorting and paging."""

    rows: list[M]
    q: str
    sort: str
    filters: QueryDict
    next_cursor: str = ""
    prev_cursor: str = ""
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def _query(self, **extra: str) -> str:
        query = self.filters.copy()
        if self.q:
            query["q"] = self.q
        query["sort"] = self.sort
        for key, value in extra.items():
            if value:
                query[key] = value
        return query.urlencode()

    @property
    def query(self) -> str:
        """Filters, search and sort of this list (first page): for links, live refreshes and saved views."""
        return self._query()

    @property
    def next_query(self) -> str:
        return self._query(after=self.next_cursor) if self.next_cursor else ""

    @property
    def prev_query(self) -> str:
        return self._query(before=self.prev_cursor) if self.prev_cursor else ""


def search(queryset: QuerySet[M], q: str, fields: tuple[str, ...]) -> QuerySet[M]:
    """Every word must appear in one of the fields (case-insensitive)."""
    for word in q.split()[:8]:
        queryset = queryset.filter(reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields)))
    return queryset


def listing_page(queryset: QuerySet[M], spec: ListSpec, params: QueryDict, filters: QueryDict) -> Listing[M]:
    """Search, sort and one keyset page of an already scoped queryset, from the request's parameters."""
    q = params.get("q", "").strip()[:MAX_QUERY]
    sort = params.get("sort", spec.default_sort)
    if sort.lstrip("-") not in spec.sorts:
        sort = spec.default_sort
    descending = sort.startswith("-")
    ordering = [(part.lstrip("-"), descending != part.startswith("-"))
                for part in spec.sorts[sort.lstrip("-")].split(",")] + [("pk", descending)]
    if q:
        queryset = search(queryset, q, spec.search_fields)
    after = _decode(queryset.model, ordering, params.get("after", ""))
    before = None if after is not None else _decode(queryset.model, ordering, params.get("before", ""))
    if before is not None:
        flipped = [(name, not descending) for name, descending in ordering]
        rows = list(queryset.filter(_beyond(flipped, before)).order_by(*_order(flipped))[:spec.page_size + 1])
        more_before = len(rows) > spec.page_size
        rows = rows[:spec.page_size][::-1]
        more_after = True
    else:
        narrowed = queryset.filter(_beyond(ordering, after)) if after is not None else queryset
        rows = list(narrowed.order_by(*_order(ordering))[:spec.page_size + 1])
        more_after = len(rows) > spec.page_size
        rows = rows[:spec.page_size]
        more_before = after is not None
    listing = Listing(rows=rows, q=q, sort=sort, filters=filters)
    if rows and more_after:
        listing.next_cursor = _encode(rows[-1], ordering)
    if rows and more_before:
        listing.prev_cursor = _encode(rows[0], ordering)
    listing.headers = {key: _header(listing, key) for key in spec.sorts}
    return listing


def _header(listing: Listing[Any], key: str) -> dict[str, str]:
    """A column header's link (ascending first, then descending) and its aria-sort state."""
    current = listing.sort.lstrip("-") == key
    descending = listing.sort.startswith("-")
    state = ("descending" if descending else "ascending") if current else "none"
    target = f"-{key}" if current and not descending else key
    query = listing.filters.copy()
    if listing.q:
        query["q"] = listing.q
    query["sort"] = target
    return {"query": query.urlencode(), "state": state}


def _order(ordering: list[tuple[str, bool]]) -> list[str]:
    return [f"-{name}" if descending else name for name, descending in ordering]


def _beyond(ordering: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after `values` in this order: (a > x) or (a = x and b > y) ..."""
    clauses = []
    for index, (name, descending) in enumerate(ordering):
        clause = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier in range(index):
            clause &= Q(**{ordering[earlier][0]: values[earlier]})
        clauses.append(clause)
    return reduce(operator.or_, clauses)


def _value(row: Model, path: str) -> Any:
    value: Any = row
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def _field(model: type[Model], path: str) -> Any:
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model  # type: ignore[assignment]
    return model._meta.pk if parts[-1] == "pk" else model._meta.get_field(parts[-1])


def _encode(row: Model, ordering: list[tuple[str, bool]]) -> str:
    values = [_value(row, name) for name, _ in ordering]
    raw = json.dumps(values, cls=_Exact, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class _Exact(DjangoJSONEncoder):
    """Datetimes to the microsecond (Django's encoder keeps milliseconds: the cursor must be exact)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            return o.isoformat()
        return super().default(o)


def _decode(model: type[Model], ordering: list[tuple[str, bool]], cursor: str) -> list[Any] | None:
    """A cursor's values, typed by their fields; None (the first page) for anything malformed."""
    if not cursor or len(cursor) > 500:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(ordering) or None in values:
            return None
        return [_field(model, name).to_python(value) for (name, _), value in zip(ordering, values, strict=True)]
    except (ValueError, binascii.Error, ValidationError, TypeError):
        return None
