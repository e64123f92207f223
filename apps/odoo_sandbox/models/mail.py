"""mail: the chatter mixin (message_post, activity_schedule), messages, activities, outgoing mails."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from .. import errors
from ..environment import Env
from ..fields import Boolean, Char, Date, Datetime, Html, Integer, Many2many, Many2one, Row, Selection, Text
from ..orm import Model, rpc

ACTIVITY_STATES = [("overdue", "Overdue"), ("today", "Today"), ("planned", "Planned")]


def plaintext2html(text: str) -> str:
    """Odoo's plaintext2html: escape, newlines as <br>, blank lines as paragraphs, wrapped in <p>."""
    escaped = html.escape(text, quote=False)
    paragraphs = [p.replace("\n", "<br>") for p in escaped.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def activity_state(deadline: Any, today: str) -> Any:
    if not deadline:
        return False
    delta = (dt.date.fromisoformat(str(deadline)) - dt.date.fromisoformat(today)).days
    return "overdue" if delta < 0 else "today" if delta == 0 else "planned"


def _activities(env: Env, row: Row, model: str) -> list[Row]:
    rows = [
        a
        for a in env.store.table("mail.activity").values()
        if a.get("res_model") == model and a.get("res_id") == row["id"]
    ]
    return sorted(rows, key=lambda a: (str(a.get("date_deadline")), a["id"]))


def _first_activity(env: Env, row: Row, model: str, key: str) -> Any:
    acts = _activities(env, row, model)
    return acts[0].get(key) if acts else False


class MailThread(Model):
    """Abstract chatter mixin, like Odoo's mail.thread + mail.activity.mixin."""

    _abstract = True
    _fields = {
        "message_ids": Many2many(
            "mail.message",
            "Messages",
            compute=lambda env, row, m: sorted(
                (
                    mid
                    for mid, msg in env.store.table("mail.message").items()
                    if msg.get("model") == m and msg.get("res_id") == row["id"]
                ),
                reverse=True,
            ),
        ),
        "activity_ids": Many2many(
            "mail.activity", "Activities", compute=lambda env, row, m: [a["id"] for a in _activities(env, row, m)]
        ),
        "activity_state": Selection(
            ACTIVITY_STATES,
            "Activity State",
            compute=lambda env, row, m: min(
                (activity_state(a.get("date_deadline"), env.today()) for a in _activities(env, row, m)),
                key=["overdue", "today", "planned"].index,
                default=False,
            ),
        ),
        "activity_date_deadline": Date(
            "Next Activity Deadline", compute=lambda env, row, m: _first_activity(env, row, m, "date_deadline")
        ),
        "activity_user_id": Many2one(
            "res.users", "Responsible User", compute=lambda env, row, m: _first_activity(env, row, m, "user_id")
        ),
        "activity_type_id": Many2one(
            "mail.activity.type",
            "Next Activity Type",
            compute=lambda env, row, m: _first_activity(env, row, m, "activity_type_id"),
        ),
        "activity_summary": Char(
            "Next Activity Summary", compute=lambda env, row, m: _first_activity(env, row, m, "summary")
        ),
        "has_message": Boolean("Has Message", compute=lambda env, row, m: True),
    }
    # Tracked fields and the subtype of the notification a change posts (Odoo's `tracking=True`).
    _track_subtypes: dict[str, str] = {}

    def write(self, vals: dict[str, Any]) -> bool:
        """A change of a tracked field posts a `notification` with an empty body and tracking values,
        as Odoo's mail.thread does after the write."""
        tracked = [name for name in self._track_subtypes if name in vals]
        before = {record.id: {name: record.row.get(name) for name in tracked} for record in self} if tracked else {}
        result = super().write(vals)
        for record in self:
            changed = [name for name in tracked if record.row.get(name) != before[record.id][name]]
            if changed:
                record._post_tracking(changed, before[record.id])
        return result

    def _post_tracking(self, changed: list[str], old: dict[str, Any]) -> int:
        message_id = self._post("", message_type="notification", subtype_xmlid=self._track_subtypes[changed[0]])
        fields = self.env["ir.model.fields"].sudo()
        for name in changed:
            field = self._field_map[name]
            field_ids = fields._search([("model", "=", self._name), ("name", "=", name)])
            values: dict[str, Any] = {"field_id": field_ids[0] if field_ids else False, "mail_message_id": message_id}
            for side, value in (("old", old.get(name)), ("new", self.row.get(name))):
                if field.type == "many2one":
                    values[f"{side}_value_integer"] = value or 0
                    values[f"{side}_value_char"] = self.env.display_name(str(field.relation), value) if value else ""
                else:
                    values[f"{side}_value_char"] = "" if value in (None, False) else str(value)
            self.env["mail.tracking.value"].sudo()._create_one(values)
        return message_id

    @rpc
    def message_post(
        self,
        body: str = "",
        subject: str | None = None,
        message_type: str = "notification",
        subtype_xmlid: str | None = None,
        subtype_id: int | None = None,
        partner_ids: list[int] | None = None,
        attachment_ids: list[int] | None = None,
        body_is_html: bool = False,
        author_id: int | None = None,
        **kwargs: Any,
    ) -> int:
        self.ensure_one()
        self._check_exists()
        self._check_access("read")
        return self._post(
            body,
            subject=subject,
            message_type=message_type,
            subtype_xmlid=subtype_xmlid,
            subtype_id=subtype_id,
            body_is_html=body_is_html,
            author_id=author_id,
            attachment_ids=attachment_ids,
            partner_ids=partner_ids,
        )

    def _post(
        self,
        body: str,
        *,
        subject: str | None = None,
        message_type: str = "notification",
        subtype_xmlid: str | None = None,
        subtype_id: int | None = None,
        body_is_html: bool = True,
        author_id: int | None = None,
        attachment_ids: list[int] | None = None,
        partner_ids: list[int] | None = None,
    ) -> int:
        if message_type not in dict(MESSAGE_TYPES):
            raise errors.PyValueError(f"Wrong value for mail.message.message_type: {message_type!r}")
        if subtype_xmlid and not subtype_id:
            if subtype_xmlid not in self.env.store.xmlids:
                raise errors.PyValueError(f"External ID not found in the system: {subtype_xmlid}")
            subtype_id = self.env.store.xmlids[subtype_xmlid][1]
        user = self.env.store.get("res.users", self.env.uid) or {}
        text = body if body_is_html else plaintext2html(str(body or ""))
        return (
            self.env["mail.message"]
            .sudo()
            ._create_one(
                {
                    "body": text if body else "",
                    "subject": subject or False,
                    "model": self._name,
                    "res_id": self.id,
                    "record_name": self.env.display_name(self._name, self.id),
                    "message_type": message_type,
                    "subtype_id": subtype_id or False,
                    "author_id": author_id or user.get("partner_id") or False,
                    "attachment_ids": [(6, 0, list(attachment_ids or []))],
                    "partner_ids": [(6, 0, list(partner_ids or []))],
                    "date": self.env.now(),
                }
            )
        )

    @rpc
    def activity_schedule(
        self,
        act_type_xmlid: str = "",
        date_deadline: str | None = None,
        summary: str = "",
        note: str = "",
        **act_values: Any,
    ) -> Model:
        self._check_exists()
        type_id = act_values.pop("activity_type_id", False)
        if act_type_xmlid:
            if act_type_xmlid not in self.env.store.xmlids:
                raise errors.PyValueError(f"External ID not found in the system: {act_type_xmlid}")
            type_id = self.env.store.xmlids[act_type_xmlid][1]
        activities = self.env["mail.activity"]
        ids = []
        model_ids = self.env["ir.model"].sudo()._search([("model", "=", self._name)])
        for record in self:
            ids.append(
                activities._create_one(
                    {
                        "res_model": self._name,
                        "res_model_id": model_ids[0] if model_ids else False,
                        "res_id": record.id,
                        "activity_type_id": type_id or False,
                        "summary": summary or False,
                        "note": note or False,
                        "date_deadline": date_deadline or self.env.today(),
                        "user_id": act_values.pop("user_id", self.env.uid),
                        **act_values,
                    }
                )
            )
        return activities.browse(ids)


MESSAGE_TYPES = [
    ("email", "Incoming Email"),
    ("comment", "Comment"),
    ("email_outgoing", "Outgoing Email"),
    ("notification", "System notification"),
    ("auto_comment", "Automated Targeted Notification"),
    ("user_notification", "User Specific Notification"),
]


class MailMessageSubtype(Model):
    _name = "mail.message.subtype"
    _description = "Message subtypes"
    _order = "sequence, id"
    _abstract = False
    _fields = {
        "name": Char("Message Type", required=True),
        "description": Text("Description"),
        "internal": Boolean("Internal Only"),
        "sequence": Integer("Sequence", default=1),
        "res_model": Char("Model"),
    }


class MailMessage(Model):
    _name = "mail.message"
    _description = "Message"
    _order = "id desc"
    _rec_name = "record_name"
    _abstract = False
    _fields = {
        "subject": Char("Subject"),
        "date": Datetime("Date", default=lambda env: env.now()),
        "body": Html("Contents", default=""),
        "model": Char("Related Document Model"),
        "res_id": Integer("Related Document ID"),
        "record_name": Char("Message Record Name"),
        "message_type": Selection(MESSAGE_TYPES, "Type", required=True, default="comment"),
        "subtype_id": Many2one("mail.message.subtype", "Subtype"),
        "author_id": Many2one("res.partner", "Author"),
        "partner_ids": Many2many("res.partner", "Recipients"),
        "attachment_ids": Many2many("ir.attachment", "Attachments"),
        "email_from": Char("From"),
        "tracking_value_ids": Many2many(
            "mail.tracking.value",
            "Tracking values",
            compute=lambda env, row, _m: sorted(
                tid for tid, value in env.store.table("mail.tracking.value").items()
                if value.get("mail_message_id") == row["id"]
            ),
        ),
    }


class MailTrackingValue(Model):
    """One tracked field change of a notification message; like Odoo, readable by administrators only."""

    _name = "mail.tracking.value"
    _description = "Mail Tracking Value"
    _order = "id"
    _rec_name = "field_id"
    _groups = ("base.group_system",)
    _abstract = False
    _fields = {
        "field_id": Many2one("ir.model.fields", "Changed Field"),
        "old_value_integer": Integer("Old Value Integer"),
        "old_value_char": Char("Old Value Char"),
        "new_value_integer": Integer("New Value Integer"),
        "new_value_char": Char("New Value Char"),
        "mail_message_id": Many2one("mail.message", "Message ID", required=True),
    }


class MailActivityType(Model):
    _name = "mail.activity.type"
    _description = "Activity Type"
    _order = "sequence, id"
    _abstract = False
    _fields = {
        "name": Char("Name", required=True),
        "summary": Char("Default Summary"),
        "sequence": Integer("Sequence", default=10),
        "category": Selection(
            [("default", "None"), ("upload_file", "Upload Document"), ("phonecall", "Phonecall")],
            "Action",
            default="default",
        ),
        "delay_count": Integer("Schedule", default=0),
        "icon": Char("Icon"),
        "active": Boolean("Active", default=True),
    }


class MailActivity(Model):
    _name = "mail.activity"
    _description = "Activity"
    _order = "date_deadline ASC, id ASC"
    _rec_name = "summary"
    _abstract = False
    _fields = {
        "res_model_id": Many2one("ir.model", "Document Model"),
        "res_model": Char("Related Document Model"),
        "res_id": Integer("Related Document ID"),
        "res_name": Char("Document Name", compute=lambda env, row, _m: _res_name(env, row)),
        "activity_type_id": Many2one("mail.activity.type", "Activity Type"),
        "summary": Char("Summary"),
        "note": Html("Note"),
        "date_deadline": Date("Due Date", required=True, default=lambda env: env.today()),
        "date_done": Date("Done Date"),
        "user_id": Many2one("res.users", "Assigned to", default=lambda env: env.uid),
        "state": Selection(
            ACTIVITY_STATES, "State", compute=lambda env, row, _m: activity_state(row.get("date_deadline"), env.today())
        ),
        "active": Boolean("Active", default=True),
    }

    @classmethod
    def _display_name(cls, env: Env, row: Row) -> str:
        return str(
            row.get("summary") or env.display_name("mail.activity.type", row.get("activity_type_id") or 0) or "Activity"
        )

    def _prepare_create(self, vals: dict[str, Any]) -> None:
        if vals.get("res_model") and vals["res_model"] not in self.env:
            raise errors.PyValueError(f"Invalid model {vals['res_model']!r}")
        if vals.get("res_model_id") and not vals.get("res_model"):
            vals["res_model"] = (self.env.store.get("ir.model", vals["res_model_id"]) or {}).get("model", False)

    @rpc
    def action_feedback(self, feedback: str | bool = False, attachment_ids: list[int] | None = None) -> int | bool:
        """Mark done: post a note on the record and delete the activity; returns the message id."""
        self._check_exists()
        message_id: int | bool = False
        for activity in self:
            row = activity.row
            target = self.env[row["res_model"]].browse([row["res_id"]]).exists()
            type_name = self.env.display_name("mail.activity.type", row.get("activity_type_id") or 0) or "Activity"
            body = f"<p><b>{html.escape(type_name)} done</b>"
            if row.get("summary"):
                body += f": {html.escape(str(row['summary']))}"
            body += "</p>"
            if feedback:
                body += plaintext2html(str(feedback))
            if target and isinstance(target, MailThread):
                message_id = target._post(
                    body, message_type="notification", subtype_xmlid="mail.mt_activities", attachment_ids=attachment_ids
                )
            self.env.store.delete(self._name, activity.id)
        return message_id

    @rpc
    def action_done(self) -> int | bool:
        return self.action_feedback()


def _res_name(env: Env, row: Row) -> Any:
    model, res_id = row.get("res_model"), row.get("res_id")
    if isinstance(model, str) and model in env and res_id:
        return env.display_name(str(model), int(res_id)) or False
    return False
