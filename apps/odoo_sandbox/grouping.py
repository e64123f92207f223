"""`read_group`: grouped counts and aggregates, lazy or not, as Odoo 17/18 answer them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from .orm import Model

AGGREGATES = {"sum", "avg", "min", "max", "count", "count_distinct", "array_agg", "bool_and", "bool_or"}
DATE_GRANULARITY = {"day", "week", "month", "quarter", "year"}


def _parse_aggregates(model: Model, fields: list[str]) -> list[tuple[str, str, str]]:
    """(output name, field, function) for each requested aggregate."""
    out = []
    for spec in fields or []:
        if spec == "__count":
            continue
        name, _, func = spec.partition(":")
        fname, func = name, func
        if "(" in func:  # 'total:sum(amount_total)'
            func, _, rest = func.partition("(")
            fname = rest.rstrip(")")
        model._check_fields([fname])
        fld = model._field_map[fname]
        if not func:
            if fld.type not in ("integer", "float", "monetary"):
                continue
            func = "sum"
        if func not in AGGREGATES:
            raise errors.PyValueError(f"Invalid aggregation function {func!r}.")
        out.append((name, fname, func))
    return out


def _group_key(model: Model, spec: str, row: dict[str, Any]) -> Any:
    fname, _, granularity = spec.partition(":")
    value = model.env.field_value(model._name, row, fname)
    if isinstance(value, list):
        value = tuple(value)
    if isinstance(value, str) and model._field_map[fname].type == "datetime":
        value = value[:19]  # stamps keep microseconds; groups show the second, as reads do
    if granularity and value:
        day = dt.date.fromisoformat(str(value)[:10])
        if granularity == "year":
            value = f"{day.year}"
        elif granularity == "quarter":
            value = f"Q{(day.month - 1) // 3 + 1} {day.year}"
        elif granularity == "month":
            value = day.strftime("%B %Y")
        elif granularity == "week":
            value = f"W{day.isocalendar()[1]:02d} {day.isocalendar()[0]}"
        else:
            value = day.strftime("%d %b %Y")
    return value


def _aggregate(func: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not False and v is not None]
    if func == "sum":
        return sum(present) if present else 0
    if func == "avg":
        return sum(present) / len(present) if present else False
    if func == "min":
        return min(present) if present else False
    if func == "max":
        return max(present) if present else False
    if func == "count":
        return len(present)
    if func == "count_distinct":
        return len(set(present))
    if func == "array_agg":
        return present
    if func == "bool_and":
        return all(values)
    return any(values)


def read_group(
    model: Model,
    domain: list[Any],
    fields: list[str],
    groupby: list[str] | str,
    offset: int = 0,
    limit: int | None = None,
    orderby: str | bool = False,
    lazy: bool = True,
) -> list[dict[str, Any]]:
    groupby_list = [groupby] if isinstance(groupby, str) else list(groupby or [])
    for spec in groupby_list:
        fname, _, granularity = spec.partition(":")
        model._check_fields([fname])
        if granularity and granularity not in DATE_GRANULARITY:
            raise errors.PyValueError(f"Invalid date/time grouping {granularity!r}")
    aggregates = _parse_aggregates(model, fields)
    ids = model._search(domain or [], 0, None, None)
    table = model.env.store.table(model._name)
    rows = [table[i] for i in ids]
    used = groupby_list[:1] if lazy else groupby_list
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(_group_key(model, spec, row) for spec in used), []).append(row)

    def sort_key(key: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple((v is False or v is None, v if v is not False and v is not None else 0) for v in key)

    keys = sorted(groups, key=sort_key)
    if isinstance(orderby, str) and orderby.strip().lower().endswith("desc"):
        keys.reverse()
    result = []
    for key in keys:
        members = groups[key]
        entry: dict[str, Any] = {}
        group_domain: list[Any] = []
        for spec, value in zip(used, key, strict=False):
            fname = spec.partition(":")[0]
            fld = model._field_map[fname]
            shown: Any = value
            if fld.type == "many2one" and value:
                assert fld.relation is not None
                shown = [value, model.env.display_name(fld.relation, value)]
            elif isinstance(value, tuple):
                shown = list(value)
            entry[spec] = shown if shown is not None else False
            leaf_value = value if not isinstance(value, tuple) else list(value)
            group_domain.append((fname, "=", leaf_value if leaf_value is not None else False))
        if lazy and used:
            entry[f"{used[0].partition(':')[0]}_count"] = len(members)
        else:
            entry["__count"] = len(members)
        for name, fname, func in aggregates:
            values = [model.env.field_value(model._name, row, fname) for row in members]
            value = _aggregate(func, values)
            if model._field_map[fname].type in ("float", "monetary") and func in ("sum", "avg", "min", "max"):
                value = float(value or 0.0)
            entry[name] = value
        full = [list(leaf) for leaf in group_domain] + [list(t) if isinstance(t, tuple) else t for t in domain or []]
        entry["__domain"] = (["&"] * (len(group_domain) - 1 + (1 if domain else 0))) + full if len(full) > 1 else full
        if lazy and len(groupby_list) > 1:
            entry["__context"] = {"group_by": groupby_list[1:]}
        result.append(entry)
    end = None if not limit else int(offset or 0) + int(limit)
    return result[int(offset or 0) : end]


def formatted_read_group(
    model: Model,
    domain: list[Any],
    groupby: list[str],
    aggregates: list[str],
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
) -> list[dict[str, Any]]:
    specs = [spec for spec in aggregates if spec != "__count"]
    for spec in specs:
        if ":" not in spec:
            raise errors.PyValueError(f"Invalid aggregate {spec!r}: expected 'field:function'")
    groups = read_group(model, domain, specs, groupby, offset, limit, order or False, lazy=False)
    out = []
    keys = set(groupby)
    grouped_fields = [spec.partition(":")[0] for spec in groupby]
    for group in groups:
        entry = {key: value for key, value in group.items() if key in keys}
        entry["__count"] = group["__count"]
        for spec in specs:
            entry[spec] = group.get(spec.partition(":")[0], False)
        leaves = [leaf for leaf in group["__domain"] if isinstance(leaf, list) and leaf[0] in grouped_fields]
        entry["__extra_domain"] = leaves[: len(groupby)]
        out.append(entry)
    return out
