"""maintenance: teams, stages, equipment and requests (store incidents for facilities and equipment)."""

from __future__ import annotations

from typing import Any

from ..environment import Env
from ..fields import (
    Boolean,
    Char,
    Date,
    Datetime,
    Float,
    Html,
    Integer,
    Many2many,
    Many2one,
    Selection,
    Text,
)
from ..orm import Model, rpc
from ..writing import touch
from .mail import MailThread

PRIORITIES = [("0", "Very Low"), ("1", "Low"), ("2", "Normal"), ("3", "High")]


class MaintenanceStage(Model):
    _name = "maintenance.stage"
    _description = "Maintenance Stage"
    _order = "sequence, id"
    _write_groups = ("maintenance.group_equipment_manager",)
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "sequence": Integer("Sequence", default=20),
        "fold": Boolean("Folded in Maintenance Pipe"),
        "done": Boolean("Request Done"),
    }


class MaintenanceTeam(Model):
    _name = "maintenance.team"
    _description = "Maintenance Teams"
    _order = "name, id"
    _write_groups = ("maintenance.group_equipment_manager",)
    _abstract = False
    _fields = {
        "name": Char("Team Name", required=True),
        "active": Boolean("Active", default=True),
        "company_id": Many2one("res.company", "Company", default=1),
        "member_ids": Many2many("res.users", "Team Members"),
        "color": Integer("Color Index", default=0),
    }


class MaintenanceEquipment(MailThread):
    _name = "maintenance.equipment"
    _description = "Maintenance Equipment"
    _order = "name, id"
    _write_groups = ("maintenance.group_equipment_manager",)
    _abstract = False
    _fields = {
        "name": Char("Equipment Name", required=True),
        "serial_no": Char("Serial Number"),
        "model": Char("Model"),
        "location": Char("Location"),
        "note": Html("Note"),
        "maintenance_team_id": Many2one("maintenance.team", "Maintenance Team"),
        "technician_user_id": Many2one("res.users", "Technician"),
        "company_id": Many2one("res.company", "Company", default=1),
        "active": Boolean("Active", default=True),
    }


def _first_stage(env: Env) -> Any:
    stages = sorted(env.store.table("maintenance.stage").values(), key=lambda s: (s.get("sequence") or 0, s["id"]))
    return stages[0]["id"] if stages else False


def _first_team(env: Env) -> Any:
    teams = sorted(
        (t for t in env.store.table("maintenance.team").values() if t.get("active")),
        key=lambda t: (str(t.get("name")), t["id"]),
    )
    return teams[0]["id"] if teams else False


class MaintenanceRequest(MailThread):
    _name = "maintenance.request"
    _description = "Maintenance Request"
    _order = "id desc"
    _abstract = False
    _track_subtypes = {"stage_id": "maintenance.mt_req_status"}
    _fields = {
        "name": Char("Subjects", required=True),
        "description": Html("Description"),
        "request_date": Date("Request Date", default=lambda env: env.today()),
        "schedule_date": Datetime("Scheduled Date"),
        "close_date": Date("Close Date"),
        "owner_user_id": Many2one("res.users", "Created by User", default=lambda env: env.uid),
        "user_id": Many2one("res.users", "Technician"),
        "equipment_id": Many2one("maintenance.equipment", "Equipment"),
        "maintenance_team_id": Many2one("maintenance.team", "Team", required=True, default=_first_team),
        "stage_id": Many2one("maintenance.stage", "Stage", default=_first_stage),
        "priority": Selection(PRIORITIES, "Priority", default="0"),
        "kanban_state": Selection(
            [("normal", "In Progress"), ("blocked", "Blocked"), ("done", "Ready for next stage")],
            "Kanban State",
            required=True,
            default="normal",
        ),
        "maintenance_type": Selection(
            [("corrective", "Corrective"), ("preventive", "Preventive")], "Maintenance Type", default="corrective"
        ),
        "archive": Boolean(
            "Archive", default=False, help="Set archive to true to hide the maintenance request without deleting it."
        ),
        "done": Boolean("Done", related="stage_id.done"),
        "duration": Float("Duration", default=0.0),
        "color": Integer("Color Index", default=0),
        "company_id": Many2one("res.company", "Company", default=1),
        "note": Text("Note"),
    }

    def _after_write(self, vals: dict[str, Any]) -> None:
        if "stage_id" not in vals:
            return
        for request in self:
            stage = self.env.store.get("maintenance.stage", request.row.get("stage_id") or 0) or {}
            values: dict[str, Any] = {"close_date": self.env.today() if stage.get("done") else False}
            if "kanban_state" not in vals:
                values["kanban_state"] = "normal"
            touch(request, values)

    @rpc
    def archive_equipment_request(self) -> None:
        self._check_exists()
        self.write({"archive": True})

    @rpc
    def reset_equipment_request(self) -> None:
        self._check_exists()
        self.write({"archive": False, "stage_id": _first_stage(self.env)})
