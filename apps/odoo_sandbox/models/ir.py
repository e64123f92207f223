"""ir.*: model and field metadata, external ids, scheduled actions, attachments."""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
from typing import Any

from .. import errors
from ..environment import Env
from ..fields import Binary, Boolean, Char, Datetime, Integer, Many2one, One2many, Row, Selection, Text
from ..orm import Model, rpc
from ..writing import touch

ADMIN_ONLY = ("base.group_system",)


class IrModel(Model):
    _name = "ir.model"
    _description = "Models"
    _order = "model"
    _write_groups = ADMIN_ONLY
    _abstract = False
    _fields = {
        "name": Char("Model Description", required=True),
        "model": Char("Model", required=True),
        "state": Selection([("manual", "Custom Object"), ("base", "Base Object")], "Type", default="base"),
        "transient": Boolean("Transient Model", default=False),
        "info": Text("Information"),
        "field_id": One2many("ir.model.fields", "model_id", "Fields"),
    }


class IrModelData(Model):
    _name = "ir.model.data"
    _description = "Model Data"
    _order = "module, model, name"
    _write_groups = ADMIN_ONLY
    _abstract = False
    _fields = {
        "name": Char("External Identifier", required=True),
        "module": Char("Module", required=True),
        "model": Char("Model Name", required=True),
        "res_id": Integer("Record ID"),
        "complete_name": Char("Complete ID", compute=lambda env, row, _m: f"{row['module']}.{row['name']}"),
    }

    @rpc(model=True)
    def check_object_reference(self, module: str, xml_id: str, raise_on_access_error: bool = False) -> list[Any]:
        key = f"{module}.{xml_id}"
        if key not in self.env.store.xmlids:
            raise errors.PyValueError(f"External ID not found in the system: {key}")
        model, rec_id = self.env.store.xmlids[key]
        return [model, rec_id]


INTERVALS = [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"), ("weeks", "Weeks"), ("months", "Months")]


class IrCron(Model):
    _name = "ir.cron"
    _description = "Scheduled Actions"
    _order = "cron_name, priority"
    _groups = ADMIN_ONLY
    _rec_name = "cron_name"
    _abstract = False
    _fields = {
        "cron_name": Char("Name", required=True),
        "name": Char("Action Name", related="cron_name"),
        "model_id": Many2one("ir.model", "Model"),
        "code": Text("Python Code"),
        "user_id": Many2one("res.users", "Scheduler User", default=lambda env: 1),
        "active": Boolean("Active", default=True),
        "interval_number": Integer("Interval Number", default=1),
        "interval_type": Selection(INTERVALS, "Interval Unit", default="months"),
        "nextcall": Datetime("Next Execution Date", required=True, default=lambda env: env.now()),
        "lastcall": Datetime("Last Execution Date"),
        "priority": Integer("Priority", default=5),
        "failure_count": Integer("Failure Count", default=0),
        "first_failure_date": Datetime("First Failure Date"),
    }

    @rpc
    def method_direct_trigger(self) -> bool:
        """Run the jobs now, as the 'Run Manually' button: a failing job raises (and changes nothing)."""
        self._check_access("write")
        for cron in self:
            if cron.row.get("_failing"):
                raise errors.UserError(str(cron.row.get("_failure_reason") or "The scheduled action failed."))
            touch(cron, {"lastcall": self.env.now()})
        return True


def _file_size(row: Row, _env: Env, _model: str) -> int:
    return int(row.get("_size") or 0)


class IrAttachment(Model):
    _name = "ir.attachment"
    _description = "Attachment"
    _order = "id desc"
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "description": Text("Description"),
        "res_model": Char("Resource Model"),
        "res_field": Char("Resource Field"),
        "res_id": Integer("Resource ID"),
        "res_name": Char("Resource Name", compute=lambda env, row, _m: _res_name(env, row)),
        "company_id": Many2one("res.company", "Company", default=1),
        "type": Selection([("url", "URL"), ("binary", "File")], "Type", default="binary"),
        "url": Char("Url"),
        "public": Boolean("Is public document"),
        "datas": Binary("File Content (base64)"),
        "mimetype": Char("Mime Type"),
        "file_size": Integer("File Size", compute=lambda env, row, m: _file_size(row, env, m)),
        "checksum": Char("Checksum/SHA1", readonly=True),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        raw = vals.get("datas") or ""
        try:
            content = base64.b64decode(raw, validate=False) if raw else b""
        except (binascii.Error, ValueError) as exc:
            raise errors.PyValueError(f"Invalid base64 content: {exc}") from exc
        vals.setdefault("mimetype", mimetypes.guess_type(str(vals.get("name") or ""))[0] or "application/octet-stream")
        vals["checksum"] = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        vals["_size"] = len(content)


def _res_name(env: Env, row: Row) -> Any:
    model, res_id = row.get("res_model"), row.get("res_id")
    if isinstance(model, str) and model in env and res_id:
        return env.display_name(str(model), int(res_id)) or False
    return False
