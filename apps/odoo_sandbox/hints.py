"""Outgoing webhook hints, as Odoo's "Send Webhook Notification" server actions send them.

After a call commits, every created or written record of a model with an active automation rule
(trigger on create/write, its `filter_domain` and `trigger_field_ids` checked) whose server action has
`state = 'webhook'` and a `webhook_url` is posted once: `{"_action": "<name>(#<id>)", "_id": id,
"_model": model, ...webhook fields}`, one-second timeout, no retry, never failing the write. As on Odoo,
where the action runs inside the write, the post happens in the caller's thread before the call
answers: a slow or silent receiver slows every write the rule fires on. Server actions run by hand
(`ir.actions.server.run`, inbound `/web/hook`) and `hints_url` (a hint for every change of a business
model, for tests that skip installing rules) go through a background queue instead.
`faults.drop_hints_rate` loses some of either.
"""

from __future__ import annotations

import ast
import collections
import json
import logging
import queue
import threading
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import OdooError
from .store import Event

if TYPE_CHECKING:
    from .core import Sandbox
    from .environment import Env
    from .faults import Faults

log = logging.getLogger(__name__)
TIMEOUT = 1.0
QUIET_MODELS = {
    "ir.model",
    "ir.model.fields",
    "ir.model.data",
    "mail.message",
    "mail.message.subtype",
    "ir.attachment",
    "base.automation",
    "ir.actions.server",
    "hr.expense.refuse.wizard",
}
CREATE_TRIGGERS = {"on_create", "on_create_or_write"}
WRITE_TRIGGERS = {
    "on_write",
    "on_create_or_write",
    "on_state_set",
    "on_stage_set",
    "on_priority_set",
    "on_user_set",
    "on_tag_set",
}


@dataclass(frozen=True)
class Hint:
    url: str
    payload: dict[str, Any]


@dataclass
class Delivery:
    """What became of one hint: 'sent' (answered), 'failed' (error/timeout), 'dropped' (fault)."""

    url: str
    payload: dict[str, Any]
    outcome: str
    status: int | None = None


def webhook_payload(env: Env, action: dict[str, Any], model: str, rec_id: int) -> dict[str, Any]:
    payload: dict[str, Any] = {"_action": f"{action.get('name')}(#{action['id']})", "_id": rec_id, "_model": model}
    fields_table = env.store.table("ir.model.fields")
    names = [fields_table[f]["name"] for f in action.get("webhook_field_ids") or [] if f in fields_table]
    if names:
        rows = env[model].sudo().browse([rec_id]).read(names, load=None)
        if rows:
            payload.update(rows[0])
    return payload


def webhook_hints(env: Env, action_ids: list[int], model: str, ids: list[int]) -> list[Hint]:
    """The posts the webhook server actions among `action_ids` make for these records."""
    actions = env.store.table("ir.actions.server")
    hints = []
    for action_id in action_ids:
        action = actions.get(action_id)
        if not action or action.get("state") != "webhook" or not action.get("webhook_url"):
            continue
        for rec_id in ids:
            if env.store.get(model, rec_id) is not None:
                hints.append(Hint(str(action["webhook_url"]), webhook_payload(env, action, model, rec_id)))
    return hints


def run_webhook_actions(env: Env, action_ids: list[int], model: str, ids: list[int]) -> None:
    """Queue the hints of server actions run by hand (ir.actions.server.run, inbound /web/hook): these
    run inside a call that holds the store, so they are posted in the background."""
    dispatcher: HintDispatcher | None = getattr(env.sandbox, "hints", None)
    if dispatcher is not None:
        for hint in webhook_hints(env, action_ids, model, ids):
            dispatcher.enqueue(hint)


def _rule_matches(env: Env, rule: dict[str, Any], model: str, rec_id: int, kind: str, fields: set[str]) -> bool:
    """Trigger, model, trigger fields (on update) and the rule's "apply on" domain, as Odoo checks them."""
    if rule.get("trigger") not in (CREATE_TRIGGERS if kind == "create" else WRITE_TRIGGERS):
        return False
    if (env.store.get("ir.model", rule.get("model_id") or 0) or {}).get("model") != model:
        return False
    field_names = {(env.store.get("ir.model.fields", f) or {}).get("name") for f in rule.get("trigger_field_ids") or []}
    if kind == "write" and field_names and not field_names & fields:
        return False
    if rule.get("filter_domain"):
        try:
            domain = ast.literal_eval(str(rule["filter_domain"]))
            return bool(env[model].sudo()._search([("id", "=", rec_id), *domain]))
        except (ValueError, SyntaxError, OdooError):
            log.warning("automation rule %s: cannot evaluate filter_domain %r", rule["id"], rule["filter_domain"])
    return True


class HintDispatcher:
    def __init__(self, sandbox: Sandbox, faults: Faults) -> None:
        self.sandbox = sandbox
        self.faults = faults
        self.hints_url: str | None = None
        # With `hints_url`: only changes of these models are hinted (None: every model but the quiet
        # ones), as an installed webhook rule would only fire for the models the portal mirrors.
        self.hint_models: frozenset[str] | None = None
        self.deliveries: collections.deque[Delivery] = collections.deque(maxlen=2000)
        self._queue: queue.Queue[Hint | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._pending_lock = threading.Lock()
        sandbox.store.listeners.append(self.on_commit)

    # -- producing -------------------------------------------------------------------------------
    def on_commit(self, events: list[Event]) -> None:
        changes: dict[tuple[str, int], tuple[str, set[str]]] = {}
        for event in events:
            key = (event.model, event.id)
            if event.kind == "unlink":
                changes.pop(key, None)
                continue
            kind, fields = changes.get(key, ("write", set()))
            changes[key] = ("create" if event.kind == "create" else kind, fields | set(event.fields))
        if not changes:
            return
        store = self.sandbox.store
        from_rules: list[Hint] = []
        with store.lock:
            env = self.sandbox.env(su=True)
            rules = [r for r in store.table("base.automation").values() if r.get("active", True)]
            for (model, rec_id), (kind, fields) in changes.items():
                if store.get(model, rec_id) is None:
                    continue
                for rule in rules:
                    if _rule_matches(env, rule, model, rec_id, kind, fields):
                        actions = store.table("ir.actions.server").items()
                        action_ids = sorted(
                            aid for aid, action in actions if action.get("base_automation_id") == rule["id"]
                        )
                        from_rules.extend(webhook_hints(env, action_ids, model, [rec_id]))
                if self.hints_url and model not in QUIET_MODELS and (
                        self.hint_models is None or model in self.hint_models):
                    # As Odoo's webhook reads it: truncated to the second.
                    write_date = ((store.get(model, rec_id) or {}).get("write_date") or "")[:19] or False
                    payload = {
                        "_action": f"sandbox {kind}(#0)",
                        "_id": rec_id,
                        "_model": model,
                        "write_date": write_date,
                    }
                    self.enqueue(Hint(self.hints_url, payload))
        # Outside the store lock but before the call answers: Odoo runs the action inside the write.
        for hint in from_rules:
            self._deliver(hint)

    def enqueue(self, hint: Hint) -> None:
        with self._pending_lock:
            self._pending += 1
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="odoo-sandbox-hints", daemon=True)
                self._thread.start()
        self._queue.put(hint)

    # -- delivering ------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            hint = self._queue.get()
            if hint is None:
                return
            try:
                self._deliver(hint)
            finally:
                with self._pending_lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()

    def _deliver(self, hint: Hint) -> None:
        if self.faults.drop_hint():
            self.deliveries.append(Delivery(hint.url, hint.payload, "dropped"))
            return
        if not hint.url.startswith(("http://", "https://")):
            self.deliveries.append(Delivery(hint.url, hint.payload, "failed"))
            return
        data = json.dumps(hint.payload, sort_keys=True, default=str).encode()
        request = urllib.request.Request(  # noqa: S310  (http(s) only, checked above)
            hint.url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                self.deliveries.append(Delivery(hint.url, hint.payload, "sent", response.status))
        except Exception as exc:
            status = getattr(exc, "code", None)
            self.deliveries.append(Delivery(hint.url, hint.payload, "failed", status))
            log.info("webhook hint to %s failed: %s", hint.url, exc)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until every queued hint has been delivered, failed or dropped (for tests)."""
        return self._idle.wait(timeout)

    def stop(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
        self._thread = None
