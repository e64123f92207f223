"""base_automation: server actions (incl. 'Send Webhook Notification') and automation rules."""

from __future__ import annotations

import uuid
from typing import Any

from ..environment import Env
from ..fields import Boolean, Char, Integer, Many2many, Many2one, One2many, Row, Selection, Text
from ..orm import Model, rpc

ADMIN_ONLY = ("base.group_system",)
ACTION_STATES = [
    ("object_write", "Update Record"),
    ("object_create", "Create Record"),
    ("code", "Execute Code"),
    ("webhook", "Send Webhook Notification"),
    ("multi", "Execute Existing Actions"),
    ("mail_post", "Send Email"),
    ("followers", "Add Followers"),
    ("remove_followers", "Remove Followers"),
    ("next_activity", "Create Activity"),
    ("sms", "Send SMS"),
]
TRIGGERS = [
    ("on_stage_set", "Stage is set to"),
    ("on_user_set", "User is set"),
    ("on_tag_set", "Tag is added"),
    ("on_state_set", "State is set to"),
    ("on_priority_set", "Priority is set to"),
    ("on_archive", "On archived"),
    ("on_unarchive", "On unarchived"),
    ("on_create_or_write", "On save"),
    ("on_create", "On creation"),
    ("on_write", "On update"),
    ("on_unlink", "On deletion"),
    ("on_change", "On UI change"),
    ("on_time", "Based on date field"),
    ("on_time_created", "After creation"),
    ("on_time_updated", "After last update"),
    ("on_message_received", "On incoming message"),
    ("on_message_sent", "On outgoing message"),
    ("on_webhook", "On webhook"),
]
DEFAULT_GETTER = "model.env[payload.get('_model')].browse(int(payload.get('_id')))"


def _model_name(env: Env, row: Row) -> Any:
    model = env.store.get("ir.model", row.get("model_id") or 0)
    return model.get("model") if model else False


class IrActionsServer(Model):
    _name = "ir.actions.server"
    _description = "Server Actions"
    _order = "sequence,name"
    _groups = ADMIN_ONLY
    _abstract = False
    _fields = {
        "name": Char("Action Name", required=True),
        "type": Char("Action Type", default="ir.actions.server"),
        "usage": Selection(
            [
                ("ir_actions_server", "Server Action"),
                ("ir_cron", "Scheduled Action"),
                ("base_automation", "Automation Rule"),
            ],
            "Usage",
            default="ir_actions_server",
        ),
        "state": Selection(ACTION_STATES, "Type", required=True, default="object_write"),
        "sequence": Integer("Sequence", default=5),
        "model_id": Many2one("ir.model", "Model", required=True),
        "model_name": Char("Model Name", compute=lambda env, row, _m: _model_name(env, row)),
        "code": Text("Python Code"),
        "webhook_url": Char("Webhook URL"),
        "webhook_field_ids": Many2many("ir.model.fields", "Webhook Fields"),
        "base_automation_id": Many2one("base.automation", "Automation Rule"),
        "active": Boolean("Active", default=True),
    }

    @rpc
    def run(self) -> bool:
        """Run the action on the records in context `active_model`/`active_ids` (webhooks only)."""
        from ..hints import run_webhook_actions

        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or (
            [self.env.context["active_id"]] if self.env.context.get("active_id") else []
        )
        if model and ids:
            run_webhook_actions(self.env, self.ids, str(model), list(ids))
        return False


class BaseAutomation(Model):
    _name = "base.automation"
    _description = "Automation Rule"
    _order = "id"
    _groups = ADMIN_ONLY
    _abstract = False
    _fields = {
        "name": Char("Automation Rule Name", required=True),
        "model_id": Many2one("ir.model", "Model", required=True),
        "model_name": Char("Model Name", compute=lambda env, row, _m: _model_name(env, row)),
        "trigger": Selection(TRIGGERS, "Trigger", default="on_create_or_write"),
        "active": Boolean("Active", default=True),
        "action_server_ids": One2many("ir.actions.server", "base_automation_id", "Actions"),
        "filter_domain": Char("Apply on"),
        "filter_pre_domain": Char("Before Update Domain"),
        "trigger_field_ids": Many2many("ir.model.fields", "Trigger Fields"),
        "webhook_uuid": Char("Webhook UUID", readonly=True),
        "url": Char(
            "Webhook URL", compute=lambda env, row, _m: f"{env.sandbox.base_url}/web/hook/{row.get('webhook_uuid')}"
        ),
        "record_getter": Char("Record", default=DEFAULT_GETTER),
        "log_webhook_calls": Boolean("Log Calls", default=False),
    }

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        vals["webhook_uuid"] = str(uuid.uuid4())

    @rpc
    def action_rotate_webhook_uuid(self) -> None:
        for rule in self:
            self.env.store.update(self._name, rule.id, {"webhook_uuid": str(uuid.uuid4())})

    def _check_unlink(self) -> None:
        for rid, action in list(self.env.store.table("ir.actions.server").items()):
            if action.get("base_automation_id") in self.ids:
                self.env.store.update("ir.actions.server", rid, {"base_automation_id": False}, event=False)
