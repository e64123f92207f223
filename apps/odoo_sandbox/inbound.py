"""Odoo's inbound webhooks: automation rules with `trigger = 'on_webhook'` at /web/hook/<uuid>."""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

from .hints import run_webhook_actions

if TYPE_CHECKING:
    from .core import Sandbox

Received = collections.namedtuple("Received", "rule_id payload status")


def handle_hook(sandbox: Sandbox, hook_uuid: str, payload: Any) -> tuple[int, dict[str, Any] | None]:
    """Returns (status, body); body None means Odoo's plain 404 page."""
    store = sandbox.store
    with store.transaction():
        rule = next(
            (
                r
                for r in store.table("base.automation").values()
                if r.get("webhook_uuid") == hook_uuid and r.get("trigger") == "on_webhook" and r.get("active", True)
            ),
            None,
        )
        if rule is None:
            return 404, None
        env = sandbox.env(su=True)
        model = str(payload.get("_model")) if isinstance(payload, dict) else ""
        rule_model = (store.get("ir.model", rule.get("model_id") or 0) or {}).get("model")
        try:
            rec_id = int(payload.get("_id") or 0) if isinstance(payload, dict) else 0
        except (TypeError, ValueError):
            rec_id = 0
        ok = model == rule_model and model in env and store.get(model, rec_id) is not None
        status = 200 if ok else 500
        sandbox.inbound_hooks.append(Received(rule["id"], payload, status))
        if not ok:
            return 500, {"status": "error"}
        actions = sorted(
            aid for aid, a in store.table("ir.actions.server").items() if a.get("base_automation_id") == rule["id"]
        )
        run_webhook_actions(env, actions, model, [rec_id])
        return 200, {"status": "ok"}
