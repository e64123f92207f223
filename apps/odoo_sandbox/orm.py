"""A small Odoo-like ORM over the in-memory store: environments, recordsets and the CRUD methods.

Models are Python classes (one module per Odoo area under `models/`). A method is callable over RPC
only when decorated with `@rpc` (or `@rpc(model=True)` for `@api.model` methods); names starting
with `_` are private, as in Odoo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from . import errors
from .domain import compile_domain
from .environment import GROUP_LABELS
from .fields import Char, Datetime, Field, Integer, Many2one, Row
from .ordering import sort_rows

if TYPE_CHECKING:
    from .environment import Env

REGISTRY: dict[str, type[Model]] = {}


def model_exists(name: str, major: int) -> bool:
    """Whether an Odoo of this major version has the model (some are gone in later versions)."""
    cls = REGISTRY.get(name)
    return cls is not None and cls._since <= major <= cls._until
F = TypeVar("F", bound=Callable[..., Any])

OPERATION_WORDS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def rpc(func: F | None = None, *, model: bool = False) -> Any:
    """Expose a model method over RPC; `model=True` for methods that take no record ids."""

    def mark(target: F) -> F:
        target._rpc = "model" if model else "records"  # type: ignore[attr-defined]
        return target

    return mark(func) if func is not None else mark


def rpc_kind(cls: type[Model], name: str) -> str | None:
    """'model', 'records', or None when `name` is not an RPC method of `cls`."""
    for klass in cls.__mro__:
        kind = getattr(klass.__dict__.get(name), "_rpc", None)
        if kind:
            return str(kind)
    return None


class Model:
    """A recordset: an environment and a list of ids of one model."""

    _name: ClassVar[str] = ""
    _description: ClassVar[str] = ""
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str | None] = "name"
    _fields: ClassVar[dict[str, Field]] = {}
    _declared_fields: ClassVar[dict[str, Field]] = {}  # the class's own; see `_field_map`
    _groups: ClassVar[tuple[str, ...]] = ()  # any one grants access; empty: every internal user
    _write_groups: ClassVar[tuple[str, ...] | None] = None  # defaults to _groups
    _abstract: ClassVar[bool] = True
    _until: ClassVar[int] = 99  # the last Odoo major version with this model (hr.expense.sheet: 18)
    _since: ClassVar[int] = 0  # the first one the sandbox has it in

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        merged: dict[str, Field] = {
            "id": Integer("ID", readonly=True),
            "display_name": Char("Display Name", compute=lambda env, row, model: None, readonly=True),
            "create_date": Datetime("Created on", readonly=True),
            "create_uid": Many2one("res.users", "Created by", readonly=True),
            "write_date": Datetime("Last Updated on", readonly=True),
            "write_uid": Many2one("res.users", "Last Updated by", readonly=True),
        }
        for klass in reversed(cls.__mro__):
            merged.update(klass.__dict__.get("_fields", {}))
        for name, fld in merged.items():
            fld.name = name
        cls._declared_fields = merged
        if not cls.__dict__.get("_abstract", False):
            REGISTRY[cls._name] = cls

    def __init__(self, env: Env, ids: list[int] | tuple[int, ...]) -> None:
        self.env = env
        self.ids = list(ids)

    def __repr__(self) -> str:
        return errors.record_repr(self._name, self.ids) if self.ids else f"{self._name}()"

    def __iter__(self) -> Iterator[Self]:
        for rec_id in self.ids:
            yield self.browse([rec_id])

    def __len__(self) -> int:
        return len(self.ids)

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __getitem__(self, fname: str) -> Any:
        return self.env.field_value(self._name, self.row, fname)

    @property
    def _field_map(self) -> dict[str, Field]:
        """Every field of the model in this database: declared ones plus custom fields made over RPC."""
        return self.env.fields_of(self._name)

    @property
    def id(self) -> int:
        self.ensure_one()
        return self.ids[0]

    @property
    def row(self) -> Row:
        self.ensure_one()
        row = self.env.store.get(self._name, self.ids[0])
        if row is None:
            raise errors.missing(self._name, self.ids, self.env.uid)
        return row

    @property
    def rows(self) -> list[Row]:
        table = self.env.store.table(self._name)
        return [table[i] for i in self.ids if i in table]

    def browse(self, ids: Any) -> Self:
        return type(self)(self.env, [ids] if isinstance(ids, int) else [int(i) for i in ids])

    def with_env(self, env: Env) -> Any:
        return type(self)(env, self.ids)

    def sudo(self) -> Any:
        return self.with_env(self.env.sudo())

    def with_context(self, **values: Any) -> Any:
        return self.with_env(self.env.with_context(**values))

    def ensure_one(self) -> None:
        if len(self.ids) != 1:
            raise errors.not_singleton(self._name, self.ids)

    def exists(self) -> Self:
        table = self.env.store.table(self._name)
        return self.browse([i for i in self.ids if i in table])

    def filtered(self, func: Callable[[Self], bool]) -> Self:
        return self.browse([rec.id for rec in self if func(rec)])

    def _check_exists(self) -> None:
        table = self.env.store.table(self._name)
        absent = [i for i in self.ids if i not in table]
        if absent:
            raise errors.missing(self._name, absent, self.env.uid)

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        if cls._rec_name and row.get(cls._rec_name):
            return str(row[cls._rec_name])
        return f"{cls._name},{row['id']}"

    def _check_access(self, operation: str) -> None:
        if self.env.su:
            return
        groups = self._groups if operation == "read" else (self._write_groups or self._groups)
        user_groups = self.env.groups()
        if not groups or "base.group_system" in user_groups or user_groups.intersection(groups):
            return
        labels = sorted(GROUP_LABELS.get(g, g) for g in groups)
        listed = "".join(f"\n\t- {label}" for label in labels)
        raise errors.AccessError(
            f"You are not allowed to {OPERATION_WORDS[operation]} '{self._description}' ({self._name}) records."
            f"\n\nThis operation is allowed for the following groups:{listed}"
            "\n\nContact your administrator to request access if necessary."
        )

    def _check_fields(self, names: list[str] | Any) -> None:
        for name in names:
            if name not in self._field_map:
                raise errors.PyValueError(f"Invalid field {name!r} on model {self._name!r}")

    # -- searching -------------------------------------------------------------------------------
    def _search(
        self, domain: list[Any] | None, offset: int = 0, limit: int | None = None, order: str | None = None
    ) -> list[int]:
        self._check_access("read")
        predicate = compile_domain(self.env, self._name, domain or [])
        rows = list(self.env.store.table(self._name).values())
        mentions_active = any(
            isinstance(t, (list, tuple)) and str(t[0]).split(".")[0] == "active" for t in domain or []
        )
        if "active" in self._field_map and self.env.context.get("active_test", True) and not mentions_active:
            rows = [row for row in rows if row.get("active")]
        matches = [row for row in rows if predicate(row)]
        matches = sort_rows(self, matches, order or self._order)
        ids = [row["id"] for row in matches]
        end = None if not limit else int(offset or 0) + int(limit)
        return ids[int(offset or 0) : end]

    @rpc(model=True)
    def search(
        self,
        domain: list[Any] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        count: bool = False,
    ) -> list[int] | int:
        ids = self._search(domain, offset, limit, order)
        return len(ids) if count else ids

    @rpc(model=True)
    def search_count(self, domain: list[Any] | None = None, limit: int | None = None) -> int:
        return len(self._search(domain, 0, limit, "id"))

    @rpc(model=True)
    def search_read(
        self,
        domain: list[Any] | None = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        load: str | None = "_classic_read",
    ) -> list[dict[str, Any]]:
        if fields:
            self._check_fields(fields)
        ids = self._search(domain, offset, limit, order)
        return self.browse(ids).read(fields, load=load)

    @rpc
    def read(self, fields: list[str] | None = None, load: str | None = "_classic_read") -> list[dict[str, Any]]:
        self._check_access("read")
        names = list(fields) if fields else [n for n, f in self._field_map.items() if f.type != "binary"]
        self._check_fields(names)
        out = []
        for row in self.rows:
            record: dict[str, Any] = {"id": row["id"]}
            for name in names:
                if name == "id":
                    continue
                if name == "display_name":
                    record[name] = self._display_name(self.env, row)
                    continue
                raw = self.env.field_value(self._name, row, name)
                record[name] = self.env.read_value(self._field_map[name], raw, load)
            out.append(record)
        return out

    @rpc(model=True)
    def read_group(
        self,
        domain: list[Any],
        fields: list[str],
        groupby: list[str] | str,
        offset: int = 0,
        limit: int | None = None,
        orderby: str | bool = False,
        lazy: bool = True,
    ) -> list[dict[str, Any]]:
        from .grouping import read_group

        return read_group(self, domain, fields, groupby, offset, limit, orderby, lazy)

    @rpc(model=True)
    def formatted_read_group(
        self,
        domain: list[Any],
        groupby: list[str] | tuple[str, ...] = (),
        aggregates: list[str] | tuple[str, ...] = (),
        having: list[Any] | tuple[Any, ...] = (),
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[dict[str, Any]]:
        """Odoo 19's grouping API: aggregates keyed 'field:func', `__count`, `__extra_domain`."""
        from .grouping import formatted_read_group

        if self.env.sandbox.major < 19:
            raise errors.PyAttributeError(
                f"The method 'formatted_read_group' does not exist on the model '{self._name}'"
            )
        return formatted_read_group(self, domain, list(groupby), list(aggregates), offset, limit, order)

    @rpc(model=True)
    def fields_get(self, allfields: list[str] | None = None, attributes: list[str] | None = None) -> dict[str, Any]:
        self._check_access("read")
        return {
            name: fld.describe(attributes)
            for name, fld in self._field_map.items()
            if not allfields or name in allfields
        }

    @rpc(model=True)
    def name_search(
        self,
        name: str = "",
        domain: list[Any] | None = None,
        operator: str = "ilike",
        limit: int = 100,
        args: list[Any] | None = None,
    ) -> list[list[Any]]:
        ids = self._search(domain or args or [], 0, None, None)
        out = []
        for rec_id in ids:
            label = self.env.display_name(self._name, rec_id)
            if not name or (name.lower() in label.lower() if "like" in operator else label == name):
                out.append([rec_id, label])
        return out[:limit] if limit else out

    @rpc(model=True)
    def default_get(self, fields_list: list[str]) -> dict[str, Any]:
        out = {}
        for name in fields_list:
            fld = self._field_map.get(name)
            if fld is not None and fld.default is not None:
                out[name] = fld.default(self.env) if callable(fld.default) else fld.default
        return out

    @rpc(model=True)
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        try:
            self._check_access(operation)
        except errors.AccessError:
            if raise_exception:
                raise
            return False
        return True

    @rpc
    def action_archive(self) -> bool:
        return self._set_active(False)

    @rpc
    def action_unarchive(self) -> bool:
        return self._set_active(True)

    def _set_active(self, value: bool) -> bool:
        if "active" not in self._field_map:
            raise errors.PyAssertionError(f"No 'active' field on model {self._name}")
        self._check_exists()
        self.write({"active": value})
        return True

    # -- writing (see writing.py) ----------------------------------------------------------------
    @rpc(model=True)
    def create(self, vals_list: dict[str, Any] | list[dict[str, Any]]) -> int | list[int]:
        from .writing import create_records

        if isinstance(vals_list, dict):
            return create_records(self, [vals_list])[0]
        return create_records(self, list(vals_list))

    @rpc
    def write(self, vals: dict[str, Any]) -> bool:
        from .writing import write_records

        write_records(self, vals)
        return True

    @rpc
    def unlink(self) -> bool:
        from .writing import unlink_records

        unlink_records(self)
        return True

    # -- hooks for models ------------------------------------------------------------------------
    def _prepare_create(self, vals: dict[str, Any]) -> None:
        """Fill values that depend on others before defaults apply (in place)."""

    def _after_create(self) -> None:
        """Called on the new records once their rows and one2many children exist."""

    def _after_write(self, vals: dict[str, Any]) -> None:
        """Called on the written records after the values are stored."""

    def _check_unlink(self) -> None:
        """Raise to refuse deleting these records."""

    def _create_one(self, vals: dict[str, Any]) -> int:
        """Create a single record from internal code and return its id."""
        from .writing import create_records

        return create_records(self, [vals])[0]
