"""create / write / unlink for sandbox models, with Odoo's x2many command semantics.

Commands: (0, 0, vals) create, (1, id, vals) update, (2, id) delete, (3, id) unlink,
(4, id) link, (5,) clear, (6, 0, ids) replace; a plain list of ids means (6, 0, ids).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .fields import Field

if TYPE_CHECKING:
    from .orm import Model


def create_records(model: Model, vals_list: list[dict[str, Any]]) -> list[int]:
    model._check_access("create")
    env = model.env
    store = env.store
    ids: list[int] = []
    now = store.stamp()  # one stamp for the whole list, as one Odoo transaction gives
    for incoming in vals_list:
        if not isinstance(incoming, dict):
            raise errors.PyValueError(f"Invalid values for {model._name}: {incoming!r}")
        vals = dict(incoming)
        model._check_fields([key for key in vals if not (env.su and key.startswith("_"))])
        model._prepare_create(vals)
        rec_id = store.next_id(model._name)
        row: dict[str, Any] = {
            "id": rec_id,
            "create_date": now,
            "write_date": now,
            "create_uid": env.uid,
            "write_uid": env.uid,
        }
        later: dict[str, Any] = {}
        for name, fld in model._field_map.items():
            if name in row or name == "display_name" or not fld.stored:
                if fld.type == "one2many" and name in vals:
                    later[name] = vals[name]
                continue
            if name in vals:
                value = vals[name]
            elif fld.default is not None:
                value = fld.default(env) if callable(fld.default) else fld.default
            else:
                row[name] = fld.empty()
                continue
            if fld.type == "many2many":
                row[name] = apply_m2m(env, fld, [], value)
            else:
                row[name] = fld.to_store(value)
        row.update({key: value for key, value in vals.items() if key.startswith("_")})
        for name, fld in model._field_map.items():
            if fld.required and fld.stored and (row.get(name) is False or row.get(name) is None):
                raise _mandatory(model, fld)
        store.insert(model._name, row)
        record = model.browse([rec_id])
        for name, value in later.items():
            apply_o2m(record, model._field_map[name], value)
        record._after_create()
        ids.append(rec_id)
    return ids


def write_records(model: Model, vals: dict[str, Any]) -> None:
    if not isinstance(vals, dict):
        raise errors.PyValueError(f"Invalid values for {model._name}: {vals!r}")
    model._check_access("write")
    model._check_exists()
    model._check_fields(list(vals))
    env = model.env
    now = env.store.stamp()
    for record in model:
        stored: dict[str, Any] = {}
        for name, value in vals.items():
            fld = model._field_map[name]
            if name in ("id", "create_date", "create_uid", "write_date", "write_uid", "display_name"):
                continue
            if fld.type == "one2many":
                apply_o2m(record, fld, value)
            elif fld.type == "many2many":
                stored[name] = apply_m2m(env, fld, list(record.row.get(name) or []), value)
            elif fld.stored:
                stored[name] = fld.to_store(value)
                if fld.required and stored[name] is False:
                    raise _mandatory(model, fld)
        stored["write_date"] = now
        stored["write_uid"] = env.uid
        env.store.update(model._name, record.id, stored)
    model._after_write(vals)


def unlink_records(model: Model) -> None:
    model._check_access("unlink")
    model._check_exists()
    model._check_unlink()
    for rec_id in model.ids:
        model.env.store.delete(model._name, rec_id)


def touch(model: Model, values: dict[str, Any]) -> None:
    """Store values on every record of `model` as a server-side change (no access check, no hooks)."""
    env = model.env
    stamped = {**values, "write_date": env.store.stamp(), "write_uid": env.uid}
    for rec_id in model.ids:
        env.store.update(model._name, rec_id, dict(stamped))


def _mandatory(model: Model, fld: Field) -> errors.ValidationError:
    return errors.ValidationError(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
        f"Model: {model._description} ({model._name})\nField: {fld.string} ({fld.name})\n"
    )


def _commands(value: Any) -> list[tuple[Any, ...]]:
    if value is False or value is None:
        return [(5,)]
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [(6, 0, list(value))]
    if not isinstance(value, (list, tuple)):
        raise errors.PyValueError(f"Wrong value for an x2many field: {value!r}")
    out = []
    for command in value:
        if not isinstance(command, (list, tuple)) or not command:
            raise errors.PyValueError(f"Invalid x2many command: {command!r}")
        out.append(tuple(command))
    return out


def apply_m2m(env: Any, fld: Field, current: list[int], value: Any) -> list[int]:
    ids = list(current)
    assert fld.relation is not None
    for command in _commands(value):
        code = command[0]
        if code == 0:
            ids.append(env[fld.relation]._create_one(dict(command[2])))
        elif code == 1:
            env[fld.relation].browse([command[1]]).write(dict(command[2]))
        elif code == 2:
            env[fld.relation].browse([command[1]]).unlink()
            ids = [i for i in ids if i != command[1]]
        elif code == 3:
            ids = [i for i in ids if i != command[1]]
        elif code == 4:
            if command[1] not in ids:
                ids.append(command[1])
        elif code == 5:
            ids = []
        elif code == 6:
            ids = [int(i) for i in command[2]]
        else:
            raise errors.PyValueError(f"Invalid x2many command: {command!r}")
    table = env.store.table(fld.relation)
    missing = [i for i in ids if i not in table]
    if missing:
        raise errors.missing(fld.relation, missing, env.uid)
    return list(dict.fromkeys(ids))


def apply_o2m(record: Model, fld: Field, value: Any) -> None:
    env = record.env
    assert fld.relation is not None
    assert fld.inverse_name is not None
    comodel = env[fld.relation]
    inverse = fld.inverse_name
    current = env.field_value(record._name, record.row, fld.name)
    for command in _commands(value):
        code = command[0]
        if code == 0:
            comodel._create_one({**dict(command[2]), inverse: record.id})
        elif code == 1:
            comodel.browse([command[1]]).write(dict(command[2]))
        elif code in (2, 3):
            comodel.browse([command[1]]).unlink()
        elif code == 4:
            comodel.browse([command[1]]).write({inverse: record.id})
        elif code in (5, 6):
            keep = [int(i) for i in command[2]] if code == 6 else []
            for rec_id in current:
                if rec_id not in keep:
                    comodel.browse([rec_id]).write({inverse: False})
            if keep:
                comodel.browse(keep).write({inverse: record.id})
        else:
            raise errors.PyValueError(f"Invalid x2many command: {command!r}")
