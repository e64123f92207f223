"""Outgoing e-mail (`mail.mail`): what the health checks read for bounced mail."""

from __future__ import annotations

from ..fields import Boolean, Char, Datetime, Integer, Selection, Text
from ..orm import Model, rpc


class MailMail(Model):
    _name = "mail.mail"
    _description = "Outgoing Mails"
    _order = "id desc"
    _rec_name = "subject"
    _groups = ("base.group_system",)
    _abstract = False
    _fields = {
        "subject": Char("Subject"),
        "email_from": Char("From"),
        "email_to": Text("To"),
        "body_html": Text("Text Contents"),
        "model": Char("Related Document Model"),
        "res_id": Integer("Related Document ID"),
        "state": Selection(
            [
                ("outgoing", "Outgoing"),
                ("sent", "Sent"),
                ("received", "Received"),
                ("exception", "Delivery Failed"),
                ("cancel", "Cancelled"),
            ],
            "Status",
            default="outgoing",
        ),
        "failure_type": Selection(
            [
                ("unknown", "Unknown error"),
                ("mail_email_invalid", "Invalid email address"),
                ("mail_email_missing", "Missing email address"),
                ("mail_from_invalid", "Invalid from address"),
                ("mail_from_missing", "Missing from address"),
                ("mail_smtp", "Connection failed (outgoing mail server problem)"),
            ],
            "Failure type",
        ),
        "failure_reason": Text("Failure Reason"),
        "scheduled_date": Datetime("Scheduled Send Date"),
        "auto_delete": Boolean("Auto Delete", default=True),
    }

    @rpc
    def mark_outgoing(self) -> bool:
        self.write({"state": "outgoing", "failure_type": False, "failure_reason": False})
        return True

    @rpc
    def action_retry(self) -> bool:
        self.filtered(lambda mail: mail.row.get("state") == "exception").mark_outgoing()
        return True

    @rpc
    def cancel(self) -> bool:
        self.write({"state": "cancel"})
        return True

    @rpc
    def send(self, auto_commit: bool = False, raise_exception: bool = False) -> bool:
        self.filtered(lambda mail: mail.row.get("state") == "outgoing").write({"state": "sent"})
        return True
