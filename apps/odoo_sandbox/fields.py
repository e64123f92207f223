"""Field declarations of the sandbox models and the conversion of their values.

Stored values are kept in plain rows (dicts): many2one as an id or False, many2many as a list of ids,
dates and datetimes as Odoo's UTC strings. One2many and computed fields are never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import PyValueError

if TYPE_CHECKING:
    from .environment import Env

Row = dict[str, Any]
Compute = Callable[["Env", Row, str], Any]  # (env, row, model name) -> value

NUMERIC = {"integer", "float", "monetary"}
RELATIONAL = {"many2one", "one2many", "many2many"}
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass
class Field:
    type: str
    string: str = ""
    relation: str | None = None
    inverse_name: str | None = None  # one2many: the many2one on the comodel
    where: Callable[[Row], bool] | None = None  # one2many: only comodel rows it accepts (Odoo's `domain`)
    selection: list[tuple[str, str]] | None = None
    required: bool = False
    readonly: bool = False
    default: Any = None  # a value, or a callable taking the Env
    compute: Compute | None = None  # non-stored: evaluated on read and in domains
    related: str | None = None  # dotted path, evaluated like a compute
    manual: bool = False  # a custom field (x_...), as added with Studio
    since: int = 0  # the first Odoo major version that has this field
    until: int = 99  # the last one (e.g. purchase.order.notes ends with 18: 19 calls it `note`)
    help: str = ""
    name: str = field(default="", compare=False)

    def exists_in(self, major: int) -> bool:
        return self.since <= major <= self.until

    @property
    def stored(self) -> bool:
        return self.compute is None and self.related is None and self.type != "one2many"

    def empty(self) -> Any:
        if self.type in ("one2many", "many2many"):
            return []
        if self.type == "integer":
            return 0
        if self.type in ("float", "monetary"):
            return 0.0
        return False

    def describe(self, attributes: list[str] | None) -> dict[str, Any]:
        """This field as `fields_get` shows it."""
        info: dict[str, Any] = {
            "type": self.type,
            "string": self.string or self.name.replace("_", " ").title(),
            "required": self.required,
            "readonly": self.readonly or not (self.stored or self.type == "one2many"),
            "store": self.stored,
            "sortable": self.stored,
            "searchable": True,
            "manual": self.manual,
            "help": self.help,
        }
        if self.relation:
            info["relation"] = self.relation
        if self.inverse_name:
            info["relation_field"] = self.inverse_name
        if self.selection is not None:
            info["selection"] = [list(choice) for choice in self.selection]
        if attributes:
            return {key: value for key, value in info.items() if key in attributes}
        return info

    def to_store(self, value: Any) -> Any:
        """Normalise an incoming value (write/create) for storage. x2many commands are handled by the ORM."""
        if value is None or value is False:
            return False if self.type not in NUMERIC else self.empty()
        kind = self.type
        if kind == "many2one":
            if isinstance(value, (list, tuple)):
                value = value[0] if value else False
            return int(value) if value else False
        if kind == "integer":
            return int(value)
        if kind in ("float", "monetary"):
            return float(value)
        if kind == "boolean":
            return bool(value)
        if kind == "date":
            return normalise_date(value)
        if kind == "datetime":
            return normalise_datetime(value)
        if kind == "selection" and self.selection is not None:
            keys = [key for key, _label in self.selection]
            if value not in keys:
                raise PyValueError(f"Wrong value for {self.name}: {value!r}")
            return value
        return value


def normalise_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)[:10]
    try:
        dt.date.fromisoformat(text)
    except ValueError as exc:
        raise PyValueError(f"time data {value!r} does not match format '%Y-%m-%d'") from exc
    return text


def normalise_datetime(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    text = str(value).replace("T", " ")
    if len(text) == 10:
        text += " 00:00:00"
    text = text[:19]
    try:
        dt.datetime.strptime(text, DATETIME_FORMAT)
    except ValueError as exc:
        raise PyValueError(f"time data {value!r} does not match format '%Y-%m-%d %H:%M:%S'") from exc
    return text


# Short constructors, Odoo-style.
def Char(string: str = "", **kw: Any) -> Field:
    return Field("char", string, **kw)


def Text(string: str = "", **kw: Any) -> Field:
    return Field("text", string, **kw)


def Html(string: str = "", **kw: Any) -> Field:
    return Field("html", string, **kw)


def Integer(string: str = "", **kw: Any) -> Field:
    return Field("integer", string, **kw)


def Float(string: str = "", **kw: Any) -> Field:
    return Field("float", string, **kw)


def Monetary(string: str = "", **kw: Any) -> Field:
    return Field("monetary", string, **kw)


def Boolean(string: str = "", **kw: Any) -> Field:
    return Field("boolean", string, **kw)


def Date(string: str = "", **kw: Any) -> Field:
    return Field("date", string, **kw)


def Datetime(string: str = "", **kw: Any) -> Field:
    return Field("datetime", string, **kw)


def Binary(string: str = "", **kw: Any) -> Field:
    return Field("binary", string, **kw)


def Selection(choices: list[tuple[str, str]], string: str = "", **kw: Any) -> Field:
    return Field("selection", string, selection=choices, **kw)


def Many2one(relation: str, string: str = "", **kw: Any) -> Field:
    return Field("many2one", string, relation=relation, **kw)


def One2many(relation: str, inverse_name: str, string: str = "", **kw: Any) -> Field:
    return Field("one2many", string, relation=relation, inverse_name=inverse_name, **kw)


def Many2many(relation: str, string: str = "", **kw: Any) -> Field:
    return Field("many2many", string, relation=relation, **kw)
