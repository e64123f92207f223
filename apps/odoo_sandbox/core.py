"""The sandbox itself, without HTTP: database, users, authentication and the model-method call.

`Sandbox.call()` is what `execute_kw`, JSON-2 and the in-process test API all go through: private
method check, model and method lookup, argument binding, then the method inside one transaction.
"""

from __future__ import annotations

import collections
import hashlib
import inspect
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from . import errors
from .environment import Env
from .orm import Model, rpc_kind
from .store import Store

DEFAULT_DB = "retail"
SUPERUSER_ID = 1


def version_info(version: str) -> list[Any]:
    """'18.0' -> [18, 0, 0, 'final', 0, '']; 'saas~18.2+e' -> [18, 2, 0, 'final', 0, '']."""
    core = version.split("+", 1)[0].split("-", 1)[0].replace("saas~", "")
    parts = [int(p) for p in core.split(".")[:2] if p.isdigit()] + [0, 0]
    return [parts[0], parts[1], 0, "final", 0, ""]


@dataclass(frozen=True)
class CallRecord:
    """One model-method call handled, kept for tests and benchmarks."""

    transport: str
    login: str
    model: str
    method: str


class Sandbox:
    def __init__(
        self,
        *,
        version: str = "18.0",
        db: str = DEFAULT_DB,
        api_key_secret: str = "odoo-sandbox",  # noqa: S107  (derives demo keys; not a secret)
        api_keys: dict[str, str] | None = None,
        base_url: str = "http://127.0.0.1:8069",
    ) -> None:
        from . import models  # noqa: F401  (registers every model)

        self.store = Store()
        self.version = version
        self.db = db
        self.base_url = base_url
        self.api_key_secret = api_key_secret
        self._api_keys_override = dict(api_keys or {})
        self.sessions: dict[str, int] = {}
        self.calls: collections.deque[CallRecord] = collections.deque(maxlen=5000)
        self.inbound_hooks: collections.deque[Any] = collections.deque(maxlen=1000)
        self.hints: Any = None  # the HintDispatcher, attached by the server
        # Which store's warehouse each seeded store document is for. A stock Odoo has no field for it;
        # `tag_stores` plays the Odoo users who fill in the portal's store field once it exists.
        self.store_tags: dict[tuple[str, int], int] = {}
        self.call_count = 0
        self.deprecated_rpc_calls = 0  # /jsonrpc calls on 19+, each logged as deprecated (as Odoo does)
        self._count_lock = threading.Lock()

    # -- version ---------------------------------------------------------------------------------
    @property
    def major(self) -> int:
        return int(version_info(self.version)[0])

    def version_payload(self) -> dict[str, Any]:
        info = version_info(self.version)
        return {
            "server_version": self.version,
            "server_version_info": info,
            "server_serie": f"{info[0]}.{info[1]}",
            "protocol_version": 1,
        }

    # -- users -----------------------------------------------------------------------------------
    def env(self, uid: int = SUPERUSER_ID, context: dict[str, Any] | None = None, su: bool = False) -> Env:
        return Env(self, uid, context, su=su)

    def uid_of(self, login: str) -> int | None:
        for row in self.store.table("res.users").values():
            if row.get("login") == login and row.get("active"):
                return int(row["id"])
        return None

    def login_of(self, uid: int) -> str:
        row = self.store.get("res.users", uid) or {}
        return str(row.get("login") or uid)

    def check_password(self, login: str, password: str) -> int | None:
        uid = self.uid_of(login)
        if uid is None or uid == SUPERUSER_ID:
            return None
        row = self.store.table("res.users")[uid]
        if password == row.get("_password") or self.uid_for_key(password) == uid:
            return uid
        return None

    def check_uid(self, db: str, uid: Any, password: Any) -> int:
        self.check_db(db)
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise errors.AccessDenied()
        row = self.store.get("res.users", uid)
        if row is None or not row.get("active") or not isinstance(password, str):
            raise errors.AccessDenied()
        if password != row.get("_password") and self.uid_for_key(password) != uid:
            raise errors.AccessDenied()
        return uid

    def check_db(self, db: Any) -> None:
        if db != self.db:
            raise errors.DatabaseMissing(f'connection to server failed: FATAL:  database "{db}" does not exist')

    def api_key_for(self, login: str) -> str:
        """The JSON-2 API key of a user: given at start-up, or derived from the instance secret."""
        if login in self._api_keys_override:
            return self._api_keys_override[login]
        digest = hashlib.sha256(f"{self.api_key_secret}:{self.db}:{login}".encode()).hexdigest()
        return digest[:40]

    def uid_for_key(self, key: str) -> int | None:
        if not key:
            return None
        for row in self.store.table("res.users").values():
            login = str(row.get("login"))
            if row.get("active") and row["id"] != SUPERUSER_ID and secrets.compare_digest(self.api_key_for(login), key):
                return int(row["id"])
        return None

    def new_session(self, uid: int) -> str:
        sid = secrets.token_hex(20)
        self.sessions[sid] = uid
        return sid

    # -- calls -----------------------------------------------------------------------------------
    def call(
        self,
        uid: int,
        model: str,
        method: str,
        args: list[Any] | None = None,
        kwargs: dict[str, Any] | None = None,
        *,
        transport: str = "jsonrpc",
        ids: list[int] | None = None,
    ) -> Any:
        """Run `model.method` as `uid`. With `ids` given (JSON-2), `args` holds no ids.
        Returns the JSON-ready result; None means the method returned nothing."""
        args = list(args or [])
        kwargs = dict(kwargs or {})
        context = kwargs.pop("context", None) or {}
        if not isinstance(context, dict):
            raise errors.PyValueError("context must be a dictionary")
        with self._count_lock:
            self.call_count += 1
            self.calls.append(CallRecord(transport, self.login_of(uid), model, method))
        if method.startswith("_"):
            raise errors.AccessError(f"Private methods (such as {method}) cannot be called remotely.")
        env = Env(self, uid, context)
        recs = env[model]
        kind = rpc_kind(type(recs), method)
        if kind is None:
            raise errors.PyAttributeError(f"The method '{method}' does not exist on the model '{model}'")
        if kind == "records":
            if ids is None:
                if not args:
                    raise errors.PyTypeError(f"{model}.{method}() missing 1 required positional argument: 'ids'")
                ids, args = args[0], args[1:]
            recs = recs.browse(_as_ids(ids))
        func = getattr(recs, method)
        try:
            inspect.signature(func).bind(*args, **kwargs)
        except TypeError as exc:
            raise errors.BadArguments(f"{model}.{method}() {exc}", str(exc)) from exc
        with self.store.transaction():
            result = func(*args, **kwargs)
        if self.major >= 19:
            result = _as_19(method, result, transport)
        return to_json(result)


# Methods Odoo 18 decorated with `@api.returns(..., lambda value: value.id)`: they answer the id there.
RETURNS_ONE_RECORD = frozenset({"message_post"})


def _as_19(method: str, result: Any, transport: str) -> Any:
    """Odoo 19 dropped `@api.returns`: every recordset answers its ids (`[id]`), and over JSON-2 so does
    `create` of one dict; over JSON-RPC `create` still answers an int for a dict."""
    if isinstance(result, Model):
        return list(result.ids)
    if isinstance(result, int) and not isinstance(result, bool) and (
        method in RETURNS_ONE_RECORD or (method == "create" and transport == "json2")
    ):
        return [result]
    return result


def _as_ids(ids: Any) -> list[int]:
    if isinstance(ids, bool):
        raise errors.PyValueError(f"Invalid ids: {ids!r}")
    if isinstance(ids, int):
        return [ids]
    if isinstance(ids, (list, tuple)) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return list(ids)
    raise errors.PyValueError(f"Invalid ids: {ids!r}")


def to_json(value: Any) -> Any:
    """Odoo's JSON encoder: recordsets become their repr string (e.g. "mail.activity(46,)")."""
    if isinstance(value, Model):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def tag_stores(sandbox: Sandbox, field: str) -> int:
    """Set `field` (a many2one to stock.warehouse the portal's setup created) on the seeded documents,
    as each store's staff would on the form. Models without the field are left alone."""
    from .environment import Env

    env = Env(sandbox, 1, su=True)
    tagged = 0
    by_target: dict[tuple[str, int], list[int]] = {}
    for (model, rec_id), warehouse in sandbox.store_tags.items():
        by_target.setdefault((model, warehouse), []).append(rec_id)
    tagged_models = {model for model, _ in by_target if model in env and field in env[model].fields_get([field])}
    with sandbox.store.transaction():
        for (model, warehouse), ids in sorted(by_target.items()):
            if model not in tagged_models:
                continue
            live = [rec_id for rec_id in ids if sandbox.store.get(model, rec_id) is not None]
            if live:
                env[model].browse(live).write({field: warehouse})
                tagged += len(live)
    return tagged
