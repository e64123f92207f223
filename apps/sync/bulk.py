"""Writing a batch of model rows in one statement, at the speed of the data rather than of the ORM.

A first sync inserts thousands of domain rows (approval requests, incidents, exceptions) of 20-40
columns. Django's `bulk_create` prepares each value through the field (`get_db_prep_save`) and quotes
it into the SQL text: for a 500-row page that costs more than Odoo takes to send the page. On
PostgreSQL `rows_insert` and `rows_update` send each column as one typed array in psycopg's binary
format (`INSERT .. SELECT FROM unnest(..) RETURNING pk`, `UPDATE .. FROM unnest(..)`): each column is
prepared once, by its type, with a fast path for values that already have that type. What the ORM
would do is kept: `auto_now` / `auto_now_add` stamps on insert, defaults (set when the instance was
built), SQL NULL for `None` in a JSON field, the field's JSON encoder, related objects saved after they
were assigned, primary keys set and `_state` marked as saved. Length and range checks stay with the
database (the arrays are cast without a length, so an over-long value fails as it would through the
ORM instead of being cut).

Other databases, and models or fields this module does not know how to prepare (file fields,
database defaults, generated columns, rows that already have a primary key), use Django's own
`bulk_create` / `bulk_update`, with the same results.

Like `bulk_create` and `bulk_update`, no model signal is sent: the projectors emit their domain
events (`apps.events`) for the rows they wrote.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from typing import Any, TypeVar, cast
from uuid import UUID

from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.db.models.fields import NOT_PROVIDED, Field
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
Convert = Callable[[Any], Any]
Column = tuple[Field, str, Convert]  # field, array type for the cast, value preparation

_TYPMOD = re.compile(r"\(.*?\)")


class Unsupported(Exception):
    """This model or field is left to the ORM."""


def _exact(kind: type, slow: Callable[[Any], Any]) -> Convert:
    """Values of `kind` (not a subclass: an enum member goes through `slow`) and None pass as they are."""

    def convert(value: Any) -> Any:
        return value if value is None or type(value) is kind else slow(value)

    return convert


def _aware(field: Field) -> Convert:
    def convert(value: Any) -> Any:
        if value is None or (type(value) is datetime and value.tzinfo is not None):
            return value
        return field.get_prep_value(value)  # a naive datetime or a date: made aware as the ORM does

    return convert


def _json(field: Field) -> Convert:
    from psycopg.types.json import Jsonb

    encoder = getattr(field, "encoder", None)
    dumps = json.dumps if encoder is None else partial(json.dumps, cls=encoder)

    def convert(value: Any) -> Any:
        return None if value is None else Jsonb(value, dumps=dumps)  # None is SQL NULL, as in the ORM

    return convert


def _converter(field: Field, base: str) -> Convert:
    if base in ("varchar", "text", "char", "citext"):
        return _exact(str, str)  # TextChoices members become their value
    if base in ("integer", "bigint", "smallint"):
        return _exact(int, lambda value: int(field.to_python(value)))
    if base == "numeric":
        return _exact(Decimal, field.to_python)
    if base in ("double precision", "real"):
        return _exact(float, lambda value: float(field.to_python(value)))
    if base == "boolean":
        return _exact(bool, field.to_python)
    if base == "timestamp with time zone":
        return _aware(field)
    if base == "date":
        return _exact(date, field.to_python)
    if base == "uuid":
        return _exact(UUID, field.to_python)
    if base == "jsonb":
        return _json(field)
    raise Unsupported(f"{field} ({base})")


def _column(field: Field) -> Column:
    if type(field).pre_save is not Field.pre_save and not isinstance(field, models.DateField):
        raise Unsupported(f"{field} prepares its value on save")
    if getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED or getattr(field, "generated", False):
        raise Unsupported(f"{field} has a database default")
    db_type = field.db_type(connection)
    if not db_type:
        raise Unsupported(f"{field} has no column type")
    base = _TYPMOD.sub("", db_type).strip().lower()
    return field, f"{base}[]", _converter(field, base)


def _arrays(columns: Sequence[Column]) -> str:
    return ", ".join(f"%b::{array}" for _, array, _ in columns)


@cache
def _insert_plan(model: type[models.Model]) -> tuple[list[Column], str]:
    opts = model._meta
    if opts.parents or opts.proxy:
        raise Unsupported(f"{model.__name__} inherits from another model")
    columns = [_column(field) for field in opts.local_concrete_fields if field is not opts.pk]
    if not isinstance(opts.pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
        raise Unsupported(f"{model.__name__} has no database-made primary key")
    quote = connection.ops.quote_name
    # Only identifiers and types from the model's metadata enter the text (quoted); values are bound.
    sql = (f"INSERT INTO {quote(opts.db_table)} ({', '.join(quote(field.column) for field, _, _ in columns)}) "  # noqa: S608
           f"SELECT * FROM unnest({_arrays(columns)}) RETURNING {quote(opts.pk.column)}")
    return columns, sql


def _pg_enabled() -> bool:
    return connection.vendor == "postgresql"


def _related_saved(objs: Sequence[models.Model], fields: Sequence[Any]) -> None:
    """Take the primary key of related objects saved after they were assigned; refuse unsaved ones
    (`Model._prepare_related_fields_for_save`, for the relation fields only)."""
    for field in fields:
        if not field.is_relation:
            continue
        for obj in objs:
            if not field.is_cached(obj):
                continue
            related = field.get_cached_value(obj)
            if related is None:
                continue
            if related.pk is None:
                raise ValueError(f"bulk_create() prohibited to prevent data loss due to unsaved related object "
                                 f"'{field.name}'.")
            if getattr(obj, field.attname) is None:
                setattr(obj, field.attname, related.pk)


_CONSTANT_DEFAULTS = (str, int, float, bool, Decimal, date, datetime, UUID, type(None))


@cache
def _new_plan(model: type[models.Model]) -> tuple[list[Any], list[int], dict[str, tuple[int, Field | None]]]:
    """What `instances_new` needs of a model: each concrete field's default when it is a constant
    (immutable and not computed), the positions whose default is made afresh per instance (`timezone.now`,
    `dict`, ..), and where each field name or attname goes (with the relation field for a name that
    takes a related object)."""
    fields = model._meta.concrete_fields
    template: list[Any] = []
    fresh: list[int] = []
    where: dict[str, tuple[int, Field | None]] = {}
    for index, field in enumerate(fields):
        default = field.get_default()
        computed = field.has_default() and callable(field.default)
        if computed or not (type(default) in _CONSTANT_DEFAULTS or isinstance(default, enum.Enum)):
            fresh.append(index)
        template.append(default)
        where[field.attname] = (index, None)
        if field.is_relation:
            where[field.name] = (index, field)
    return template, fresh, where


def _constructor(model: type[M]) -> Callable[[list[Any]], M]:
    """Build an instance from every concrete field's value in order. What `Model.__init__` does with
    positional values, without its per-field `setattr`: a relation's attname goes through a descriptor
    that only drops a cached related object, and a new instance has none. Models with init signals or
    other attribute descriptors that act on assignment go through `Model.__init__`."""
    attnames = tuple(field.attname for field in model._meta.concrete_fields)
    acting = [name for name in attnames if hasattr(getattr(model, name, None), "__set__")
              and not isinstance(getattr(model, name), ForeignKeyDeferredAttribute)]
    if acting or signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return lambda values: model(*values)
    new = model.__new__

    def construct(values: list[Any]) -> M:
        obj = new(model)
        obj.__dict__.update(zip(attnames, values, strict=True))
        obj._state = ModelState()
        return obj

    return construct


def instances_new(model: type[M], rows: Sequence[dict[str, Any]]) -> list[M]:
    """Unsaved instances of `model`, as `model(**row)` makes them (defaults, a related object cached
    on its relation), built through the ORM's positional path: keyword construction looks up every
    field's default and runs the relation descriptors, about ten times the cost, for each of the
    thousands of rows a first sync writes. Keys are field names or attnames."""
    template, fresh, where = _new_plan(model)
    fields = model._meta.concrete_fields
    construct = _constructor(model)
    now = timezone.now()  # a `timezone.now` default: one stamp for the rows built together
    built: list[M] = []
    shapes: dict[tuple[str, ...], tuple[list[tuple[int, Field | None]], list[int]]] = {}  # rows share their keys
    for row in rows:
        keys = tuple(row)
        shape = shapes.get(keys)
        if shape is None:
            unknown = [name for name in keys if name not in where]
            if unknown:
                raise TypeError(f"{model.__name__}() got an unexpected keyword argument '{unknown[0]}'")
            slots = [where[name] for name in keys]
            given = {index for index, _ in slots}
            shape = shapes[keys] = (slots, [index for index in fresh if index not in given])
        slots, defaults = shape
        values = template.copy()
        for index in defaults:  # made per instance, unless the row gives the value
            values[index] = now if fields[index].default is timezone.now else fields[index].get_default()
        related: list[tuple[Field, Any]] = []
        for (index, relation), value in zip(slots, row.values(), strict=True):
            if relation is not None:
                related.append((relation, value))
                value = None if value is None else getattr(value, relation.target_field.attname)  # type: ignore[attr-defined]
            values[index] = value
        obj = construct(values)
        for relation, value in related:
            relation.set_cached_value(obj, value)  # type: ignore[attr-defined]
        built.append(obj)
    return built


def pg_execute(sql: str, params: Sequence[Any]) -> tuple[list[tuple[Any, ...]], int]:
    """Run one statement with server-side binding (`%b` binary parameters) on Django's connection, inside
    its open transaction; returns the rows it returned and its row count."""
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:  # errors as Django's (DataError, ..)
        cursor.execute(sql, params)
        return (cursor.fetchall() if cursor.description else []), cursor.rowcount


def rows_insert(objs: Sequence[M]) -> list[M]:
    """Insert new instances of one model in one statement (as `bulk_create(objs)`): primary keys and
    `auto_now` / `auto_now_add` values are set on them. Returns `objs`."""
    if not objs:
        return list(objs)
    model = type(objs[0])
    try:
        if not _pg_enabled() or any(obj.pk is not None for obj in objs):
            raise Unsupported("not this database, or rows with a primary key")
        columns, sql = _insert_plan(model)
    except Unsupported:
        return model._default_manager.bulk_create(objs)
    now = timezone.now()
    _related_saved(objs, [field for field, _, _ in columns])
    params: list[Any] = []
    for field, _, convert in columns:
        attname = field.attname
        if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
            stamp = now if isinstance(field, models.DateTimeField) else timezone.localdate(now)
            for obj in objs:
                setattr(obj, attname, stamp)
        params.append([convert(getattr(obj, attname)) for obj in objs])
    keys, _ = pg_execute(sql, params)
    db = connection.alias
    for obj, (pk,) in zip(objs, keys, strict=True):  # RETURNING follows the order of the unnest rows
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db
    return list(objs)


def rows_update(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write `fields` of saved instances of one model in one statement (as `bulk_update`: no
    `auto_now`, no signals). Returns the number of rows updated."""
    objs = list(objs)
    if not objs or not fields:
        return 0
    model = type(objs[0])
    opts = model._meta
    chosen = [cast(Field, opts.get_field(name)) for name in dict.fromkeys(fields)]
    try:
        if not _pg_enabled():
            raise Unsupported("not this database")
        pk_column = _column(opts.pk)
        columns = [_column(field) for field in chosen]
    except Unsupported:
        return model._default_manager.bulk_update(objs, [field.name for field in chosen])
    _related_saved(objs, [field for field, _, _ in columns])
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = v.c{i}" for i, (field, _, _) in enumerate(columns))
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    sql = (f"UPDATE {quote(opts.db_table)} AS t SET {assignments} FROM unnest({_arrays([pk_column, *columns])}) "  # noqa: S608
           f"AS v(pk, {names}) WHERE t.{quote(opts.pk.column)} = v.pk")
    params = [[obj.pk for obj in objs]]
    params += [[convert(getattr(obj, field.attname)) for obj in objs] for field, _, convert in columns]
    return pg_execute(sql, params)[1]
