"""JSON-2 (Odoo 19+): `POST /json/2/<model>/<method>` with a bearer API key and named arguments.

Answers as a real 19.0 server does (`odoo19-json2-facts.md` in the contract): 200 with the bare result
(`null` for None, `[id]` for records); errors as JSON `{name, message, arguments, context, debug}` with
401 (and `WWW-Authenticate: Bearer`), 403 access, 404 missing record / unknown model or method, 422
user error or a bad argument, 500 other server errors; a wrong `X-Odoo-Database` is a 404 HTML page, a
body that is not JSON a 400, a Content-Type other than JSON a 415 HTML page. A record method sent
without `ids` runs on no record (Odoo answers and does nothing), and a list-shaped body is dropped.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import errors
from .orm import rpc_kind

if TYPE_CHECKING:
    from .core import Sandbox

JSON = "application/json; charset=utf-8"
HTML = "text/html; charset=utf-8"
# Real Odoo's signatures make these required; the sandbox's defaults are looser (JSON-RPC tests rely on it).
REQUIRED = {"search": ("domain",), "search_count": ("domain",)}
PAGE_NO_DATABASE = (
    b"<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the "
    b"requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, "
    b"<a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n"
)
PAGE_415 = (
    b"<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n<h1>Unsupported Media Type</h1>\n"
    b"<p>Request inferred type is compatible with [&#39;http&#39;] but &#39;/json/2/&lt;__model__&gt;/"
    b"&lt;__method__&gt;&#39; is type=&#39;json2&#39;.<br><br>Please verify the Content-Type request header.</p>\n"
)
Answer = tuple[int, Any, str, dict[str, str] | None]


class BadRequest(errors.OdooError):
    name = "werkzeug.exceptions.BadRequest"
    json2_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message, 400)


def handle_json2(sandbox: Sandbox, path: str, command: str, headers: dict[str, str], raw: bytes) -> Answer:
    """Returns (HTTP status, JSON body or bytes, content type, extra headers)."""
    parts = path.split("/")
    if command != "POST" or len(parts) != 5 or not parts[3] or not parts[4]:
        model = parts[3] if len(parts) > 3 and parts[3] else "<model>"
        return _error(errors.NotFound(f"Did you mean POST /json/2/{model}/<method>?"), {})
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return 415, PAGE_415, HTML, {"Accept": "application/json"}
    database = headers.get("x-odoo-database")
    if database and database != sandbox.db:
        return 404, PAGE_NO_DATABASE, HTML, None
    context: dict[str, Any] = {}
    try:
        uid = _authenticate(sandbox, headers.get("authorization", ""))
        try:
            body = json.loads(raw) if raw else {}
        except ValueError as exc:
            raise BadRequest(f"could not parse the body as json: {exc}") from exc
        kwargs = dict(body) if isinstance(body, dict) else {}  # Odoo drops a list-shaped body silently
        ids = kwargs.pop("ids", None)
        context = kwargs.pop("context", None) or {}
        if not isinstance(context, dict):
            raise errors.UnprocessableEntity("'context' must be an object")
        return 200, _call(sandbox, uid, parts[3], parts[4], ids, kwargs, context), JSON, None
    except Exception as exc:
        return _error(exc, context)


def _authenticate(sandbox: Sandbox, auth: str) -> int:
    scheme, _, key = auth.partition(" ")
    if scheme.lower() != "bearer":
        raise errors.Unauthorized("User not authenticated, use an API Key with a Bearer Authorization header.")
    uid = sandbox.uid_for_key(key.strip())
    if uid is None:
        raise errors.Unauthorized()
    return uid


def _call(sandbox: Sandbox, uid: int, model: str, method: str, ids: Any, kwargs: dict[str, Any],
          context: dict[str, Any]) -> Any:
    env = sandbox.env(uid)
    if model not in env:
        raise errors.NotFound(f"the model {model!r} does not exist")
    if method.startswith("_"):
        raise errors.AccessError(f"Private methods (such as '{model}.{method}') cannot be called remotely.")
    kind = rpc_kind(type(env[model]), method)
    if kind is None:
        raise errors.NotFound(f"The method '{model}.{method}' does not exist")
    if kind == "model" and ids is not None:
        raise errors.UnprocessableEntity(f"cannot call {model}.{method} with ids")
    if ids is not None and (
        not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    ):
        raise errors.UnprocessableEntity("'ids' must be a list of integers")
    for name in REQUIRED.get(method, ()):
        if name not in kwargs:
            raise errors.UnprocessableEntity(f"missing a required argument: {name!r}")
    try:
        # A record method without ids runs on an empty recordset: Odoo answers (often `true`), nothing happens.
        return sandbox.call(uid, model, method, [], {**kwargs, "context": context}, transport="json2",
                            ids=ids or [])
    except errors.BadArguments as exc:
        raise errors.UnprocessableEntity(exc.bare) from exc


def _error(exc: BaseException, context: dict[str, Any]) -> Answer:
    failure = exc if isinstance(exc, errors.OdooError) else errors.OdooError(str(exc) or type(exc).__name__)
    if failure is not exc:
        failure.name, failure.json2_status = f"builtins.{type(exc).__name__}", 500
    extra = {"WWW-Authenticate": "Bearer "} if failure.json2_status == 401 else None
    return failure.json2_status, failure.payload(context), JSON, extra
