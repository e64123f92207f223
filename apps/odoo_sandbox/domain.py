"""Odoo search domains: validation and evaluation against in-memory rows.

Supports the prefix operators `&`, `|`, `!`, leaves `(path, operator, value)` with dotted paths
through relational fields, and the operators =, !=, <, <=, >, >=, in, not in, like, not like, ilike,
not ilike, =like, =ilike, =?, child_of, parent_of, any and not any.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import PyValueError

if TYPE_CHECKING:
    from .environment import Env

Row = dict[str, Any]
Predicate = Callable[[Row], bool]

OPERATORS = {
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "like",
    "not like",
    "ilike",
    "not ilike",
    "=like",
    "=ilike",
    "=?",
    "child_of",
    "parent_of",
    "any",
    "not any",
}
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)


def normalize(domain: list[Any]) -> list[Any]:
    """Make the implicit '&' between consecutive terms explicit (Odoo's normalize_domain)."""
    if not domain:
        return [TRUE_LEAF]
    result: list[Any] = []
    expected = 1
    for term in domain:
        if expected == 0:
            result[0:0] = ["&"]
            expected = 1
        if isinstance(term, (list, tuple)) and not isinstance(term, str):
            expected -= 1
            result.append(tuple(term))
        elif term in ("&", "|"):
            expected += 1
            result.append(term)
        elif term == "!":
            result.append(term)
        else:
            raise PyValueError(f"Invalid domain term {term!r}")
    return result


def compile_domain(env: Env, model: str, domain: list[Any] | None) -> Predicate:
    """Validate `domain` for `model` and return a predicate over its rows."""
    if not isinstance(domain, (list, tuple)):
        raise PyValueError(f"Invalid domain: {domain!r}")
    terms = normalize(list(domain or []))
    pos = 0

    def parse() -> Predicate:
        nonlocal pos
        if pos >= len(terms):
            raise PyValueError(f"Invalid domain: {domain!r}")
        term = terms[pos]
        pos += 1
        if term == "!":
            inner = parse()
            return lambda row: not inner(row)
        if term in ("&", "|"):
            left, right = parse(), parse()
            if term == "&":
                return lambda row: left(row) and right(row)
            return lambda row: left(row) or right(row)
        return _leaf(env, model, term)

    predicate = parse()
    if pos != len(terms):
        raise PyValueError(f"Invalid domain: {domain!r}")
    return predicate


def _leaf(env: Env, model: str, leaf: tuple[Any, ...]) -> Predicate:
    if len(leaf) != 3:
        raise PyValueError(f"Invalid leaf {leaf!r}")
    if leaf == TRUE_LEAF:
        return lambda row: True
    if leaf == FALSE_LEAF:
        return lambda row: False
    path, operator, value = leaf
    if not isinstance(path, str) or operator not in OPERATORS:
        raise PyValueError(f"Invalid leaf {leaf!r}")
    if operator == "=?":
        if value is None or value is False:
            return lambda row: True
        operator = "="
    names = path.split(".")
    fields_chain = []
    current = model
    for index, name in enumerate(names):
        fld = env.registry_fields(current).get(name)
        if fld is None:
            raise PyValueError(f"Invalid field {current}.{name} in leaf {_leaf_repr(leaf)}")
        fields_chain.append((current, fld))
        if index < len(names) - 1:
            if not fld.relation:
                raise PyValueError(f"Invalid field {current}.{name} in leaf {_leaf_repr(leaf)}")
            current = fld.relation
    _last_model, last_field = fields_chain[-1]
    if operator in ("any", "not any"):
        if not last_field.relation:
            raise PyValueError(f"Invalid leaf {_leaf_repr(leaf)}: 'any' needs a relational field")
        sub = compile_domain(env, last_field.relation, value)
        table = env.store.table(last_field.relation)

        def any_match(ids: list[Any]) -> bool:
            return any(rid in table and sub(table[rid]) for rid in ids)

        check = any_match if operator == "any" else (lambda ids: not any_match(ids))
        return lambda row: check(_ids_of(_collect(env, model, row, names)))
    test = _comparator(last_field.type, operator, value, env, last_field.relation)
    if len(names) == 1 and last_field.type not in ("one2many", "many2many"):
        fname = names[0]
        return lambda row: test(env.field_value(model, row, fname))

    def multi(row: Row) -> bool:
        values = _collect(env, model, row, names)
        if last_field.type in ("one2many", "many2many"):
            return test(_ids_of(values))
        if not values:
            return test(False)
        if operator in ("!=", "<>", "not in", "not like", "not ilike"):
            return all(test(v) for v in values)
        return any(test(v) for v in values)

    return multi


def _leaf_repr(leaf: tuple[Any, ...]) -> str:
    return "(" + ", ".join(repr(part) for part in leaf) + ")"


def _ids_of(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for value in values:
        if isinstance(value, list):
            out.extend(value)
        elif value:
            out.append(value)
    return out


def _collect(env: Env, model: str, row: Row, names: list[str]) -> list[Any]:
    """Values of a dotted path, walking relational fields (a path through x2many fans out)."""
    rows = [(model, row)]
    for index, name in enumerate(names):
        last = index == len(names) - 1
        nxt: list[tuple[str, Row]] = []
        values: list[Any] = []
        for current, current_row in rows:
            value = env.field_value(current, current_row, name)
            if last:
                values.append(value)
                continue
            relation = env.registry_fields(current)[name].relation
            assert relation is not None
            table = env.store.table(relation)
            for rid in value if isinstance(value, list) else ([value] if value else []):
                if rid in table:
                    nxt.append((relation, table[rid]))
        if last:
            return values
        rows = nxt
    return []


def _like(pattern: str, exact: bool, insensitive: bool) -> Callable[[Any], bool]:
    if exact:
        regex = "^" + "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern) + "$"
    else:
        regex = re.escape(pattern).replace("%", ".*").replace("_", ".")
    compiled = re.compile(regex, re.IGNORECASE | re.DOTALL if insensitive else re.DOTALL)
    return lambda text: isinstance(text, str) and compiled.search(text) is not None


def _comparator(ftype: str, operator: str, value: Any, env: Env, relation: str | None) -> Callable[[Any], bool]:
    x2many = ftype in ("one2many", "many2many")
    if ftype == "many2one" or x2many:
        value = _resolve_names(env, relation, operator, value)
        if operator in ("like", "not like", "ilike", "not ilike", "=like", "=ilike"):
            operator = "in" if not operator.startswith("not") else "not in"
        elif isinstance(value, list) and operator in ("=", "!=", "<>"):
            operator = "in" if operator == "=" else "not in"
    if operator in ("child_of", "parent_of"):
        operator = "in"
    if x2many:
        return _x2many_comparator(operator, value)
    if ftype == "datetime":
        return _datetime_comparator(operator, value, env, relation)
    if operator == "<>":
        operator = "!="
    if operator == "=":
        if value is False or value is None:
            return lambda v: v is False or v is None or v == ""
        if isinstance(value, bool):
            return lambda v: bool(v) is value
        return lambda v: v == value and not isinstance(v, bool)
    if operator == "!=":
        if value is False or value is None:
            return lambda v: not (v is False or v is None or v == "")
        return lambda v: v != value
    if operator in ("in", "not in"):
        items = list(value) if isinstance(value, (list, tuple, set)) else [value]
        has_false = any(item is False or item is None for item in items)
        plain = {item for item in items if item is not False and item is not None}

        def contained(v: Any) -> bool:
            if v is False or v is None:
                return has_false
            return v in plain

        return contained if operator == "in" else (lambda v: not contained(v))
    if operator in ("like", "not like", "ilike", "not ilike", "=like", "=ilike"):
        if value is False or value is None:
            value = ""
        match = _like(str(value), operator.startswith("="), "ilike" in operator)
        if operator.startswith("not"):
            return lambda v: not match(v)
        return match
    if value is False or value is None:
        return lambda v: False

    def ordered(v: Any) -> bool:
        if v is False or v is None:
            return False
        try:
            if operator == "<":
                return bool(v < value)
            if operator == "<=":
                return bool(v <= value)
            if operator == ">":
                return bool(v > value)
            return bool(v >= value)
        except TypeError:
            return False

    return ordered


def _resolve_names(env: Env, relation: str | None, operator: str, value: Any) -> Any:
    """Many2one/x2many leaves may name records instead of giving ids (name_search semantics)."""
    if relation is None:
        return value
    textual = isinstance(value, str) or (
        isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value)
    )
    if not textual:
        return value
    names = [value] if isinstance(value, str) else list(value)
    like = operator in ("like", "not like", "ilike", "not ilike", "=like", "=ilike")
    matches: list[int] = []
    for rid, _row in env.store.table(relation).items():
        label = env.display_name(relation, rid)
        for name in names:
            if (like and name.lower() in label.lower()) or (not like and label == name):
                matches.append(rid)
                break
    return matches if (like or not isinstance(value, str)) else (matches or [-1])


def _x2many_comparator(operator: str, value: Any) -> Callable[[Any], bool]:
    if value is False or value is None:
        if operator in ("=", "in"):
            return lambda ids: not ids
        return lambda ids: bool(ids)
    items = set(value) if isinstance(value, (list, tuple, set)) else {value}
    if operator in ("=", "in"):
        return lambda ids: bool(items.intersection(ids))
    if operator in ("!=", "<>", "not in"):
        return lambda ids: not items.intersection(ids)
    return lambda ids: False


def _datetime_comparator(operator: str, value: Any, env: Env, relation: str | None) -> Callable[[Any], bool]:
    """Datetimes compare as instants: Odoo 18 against the stored microseconds (a stamp read back as S is
    after S, and `=` S never matches it); Odoo 19 at whole seconds (`=` S matches, `>` S does not)."""
    key = _whole_second if env.sandbox.major >= 19 else _instant
    if isinstance(value, str):
        value = key(value)
    elif isinstance(value, (list, tuple)):
        value = [key(item) if isinstance(item, str) else item for item in value]
    test = _comparator("char", operator, value, env, relation)
    return lambda stored: test(key(stored) if isinstance(stored, str) else stored)


def _instant(text: str) -> str:
    """'YYYY-MM-DD[ HH:MM:SS[.f]]' as a fixed-width string that sorts like the instant it names."""
    text = text.replace("T", " ")
    if len(text) == 10:
        text += " 00:00:00"
    head, _, fraction = text.partition(".")
    return f"{head[:19]}.{(fraction + '000000')[:6]}"


def _whole_second(text: str) -> str:
    return _instant(text)[:19]
