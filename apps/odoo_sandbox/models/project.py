"""project: projects, task stages, tags and tasks (store incidents that are not maintenance)."""

from __future__ import annotations

from typing import Any

from ..environment import Env
from ..fields import (
    Boolean,
    Char,
    Datetime,
    Html,
    Integer,
    Many2many,
    Many2one,
    One2many,
    Row,
    Selection,
)
from ..orm import Model
from ..writing import touch
from .mail import MailThread

TASK_STATES = [
    ("01_in_progress", "In Progress"),
    ("02_changes_requested", "Changes Requested"),
    ("03_approved", "Approved"),
    ("1_canceled", "Cancelled"),
    ("1_done", "Done"),
    ("04_waiting_normal", "Waiting"),
]
CLOSED_STATES = ("1_done", "1_canceled")


def _project_types(env: Env, row: Row, _model: str) -> list[int]:
    return [
        rid
        for rid, stage in env.store.table("project.task.type").items()
        if row["id"] in (stage.get("project_ids") or [])
    ]


class ProjectProject(MailThread):
    _name = "project.project"
    _description = "Project"
    _order = "sequence, name, id"
    _write_groups = ("project.group_project_manager",)
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "sequence": Integer("Sequence", default=10),
        "description": Html("Description"),
        "active": Boolean("Active", default=True),
        "user_id": Many2one("res.users", "Project Manager", default=lambda env: env.uid),
        "partner_id": Many2one("res.partner", "Customer"),
        "company_id": Many2one("res.company", "Company", default=1),
        "type_ids": Many2many("project.task.type", "Tasks Stages", compute=_project_types),
        "task_count": Integer(
            "Task Count",
            compute=lambda env, row, _m: sum(
                1
                for t in env.store.table("project.task").values()
                if t.get("project_id") == row["id"] and t.get("active")
            ),
        ),
    }


class ProjectTaskType(Model):
    _name = "project.task.type"
    _description = "Task Stage"
    _order = "sequence, id"
    _write_groups = ("project.group_project_manager",)
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "sequence": Integer("Sequence", default=1),
        "fold": Boolean("Folded in Kanban"),
        "project_ids": Many2many("project.project", "Projects"),
        "active": Boolean("Active", default=True),
    }


class ProjectTags(Model):
    _name = "project.tags"
    _description = "Project Tags"
    _order = "name"
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "color": Integer("Color", default=0),
    }


def _subtasks(env: Env, row: Row, closed_only: bool) -> int:
    """Odoo 18 counts a task's subtasks (non-stored): active children, and those in a closed state."""
    return sum(1 for t in env.store.table("project.task").values()
               if t.get("parent_id") == row["id"] and t.get("active", True)
               and (not closed_only or t.get("state") in CLOSED_STATES))


def _default_stage(env: Env, project_id: Any) -> Any:
    if not project_id:
        return False
    stages = [
        s
        for s in env.store.table("project.task.type").values()
        if project_id in (s.get("project_ids") or []) and s.get("active", True)
    ]
    stages.sort(key=lambda s: (s.get("sequence") or 0, s["id"]))
    return stages[0]["id"] if stages else False


class ProjectTask(MailThread):
    _name = "project.task"
    _description = "Task"
    _order = "priority desc, sequence, date_deadline asc, id desc"
    _abstract = False
    _track_subtypes = {"stage_id": "project.mt_task_stage"}
    _fields = {
        "name": Char("Title", required=True),
        "description": Html("Description"),
        "project_id": Many2one("project.project", "Project"),
        "stage_id": Many2one("project.task.type", "Stage"),
        "state": Selection(TASK_STATES, "State", required=True, default="01_in_progress"),
        "is_closed": Boolean("Closed State", compute=lambda env, row, _m: row.get("state") in CLOSED_STATES),
        "priority": Selection([("0", "Low"), ("1", "High")], "Priority", default="0"),
        "sequence": Integer("Sequence", default=10),
        "tag_ids": Many2many("project.tags", "Tags"),
        "user_ids": Many2many("res.users", "Assignees", default=lambda env: [env.uid]),
        "partner_id": Many2one("res.partner", "Customer"),
        "date_deadline": Datetime("Deadline"),
        "date_last_stage_update": Datetime("Last Stage Update", default=lambda env: env.now()),
        "parent_id": Many2one("project.task", "Parent Task"),
        "child_ids": One2many("project.task", "parent_id", "Sub-tasks"),
        "subtask_count": Integer("Sub-task Count", compute=lambda env, row, _m: _subtasks(env, row, False)),
        "closed_subtask_count": Integer("Closed Sub-tasks Count",
                                        compute=lambda env, row, _m: _subtasks(env, row, True)),
        "company_id": Many2one("res.company", "Company", default=1),
        "active": Boolean("Active", default=True),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        if "stage_id" not in vals:
            vals["stage_id"] = _default_stage(self.env, vals.get("project_id"))

    def write(self, vals: dict[str, Any]) -> bool:
        """Moving a task to another stage resets an open state to in progress; done/cancelled stay."""
        reopen: list[int] = []
        if "stage_id" in vals and "state" not in vals:
            reopen = [task.id for task in self if task.row.get("state") not in CLOSED_STATES]
        result = super().write(vals)
        if reopen:
            touch(self.browse(reopen), {"state": "01_in_progress"})
        if "stage_id" in vals:
            touch(self, {"date_last_stage_update": self.env.now()})
        return result
