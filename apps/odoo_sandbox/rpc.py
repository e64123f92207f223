"""JSON-RPC: the `/jsonrpc` services and the `/web/...` JSON routes, with Odoo's answer shapes.

Every answer is HTTP 200. A success carries `result` unless the method returned None (then the key
is absent); a failure carries `error: {code: 200, message: "Odoo Server Error", data: {...}}` (Odoo 19:
`code: 0`). From Odoo 19 every `/jsonrpc` call logs the deprecation warning the real server logs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from . import errors

if TYPE_CHECKING:
    from .core import Sandbox

log = logging.getLogger(__name__)
# The logger and text of Odoo 19.0's `addons/rpc/controllers/jsonrpc.py`.
deprecation_log = logging.getLogger("odoo.addons.rpc.controllers.jsonrpc")
DEPRECATION_WARNING = (
    "The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 and scheduled for removal in "
    "Odoo 20. Please report the problem to the client making the request.\n"
    "Mute this logger: --log-handler odoo.addons.rpc.controllers.jsonrpc:ERROR\n"
    "https://www.odoo.com/documentation/latest/developer/reference/external_api.html"
    "#migrating-from-xml-rpc-json-rpc"
)


def answer(request_id: Any, result: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if result is not None:
        body["result"] = result
    return body


def error_answer(request_id: Any, exc: BaseException, major: int = 18) -> dict[str, Any]:
    if not isinstance(exc, errors.OdooError):
        log.exception("unexpected error in the Odoo sandbox")
        wrapped = errors.OdooError(str(exc) or type(exc).__name__)
        wrapped.name = f"builtins.{type(exc).__name__}"
        exc = wrapped
    assert isinstance(exc, errors.OdooError)
    message = "Odoo Session Expired" if exc.rpc_code == 100 else "Odoo Server Error"
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": 0 if major >= 19 and exc.rpc_code == 200 else exc.rpc_code, "message": message,
                  "data": exc.payload()},
    }


def handle_jsonrpc(sandbox: Sandbox, body: Any) -> dict[str, Any]:
    """POST /jsonrpc"""
    request_id = body.get("id") if isinstance(body, dict) else None
    if sandbox.major >= 19:
        sandbox.deprecated_rpc_calls += 1
        deprecation_log.warning(DEPRECATION_WARNING)
    try:
        params = body.get("params") if isinstance(body, dict) else None
        if not isinstance(params, dict):
            raise errors.OdooError("Invalid JSON-RPC request: 'params' must be an object")
        args = params.get("args") or []
        if not isinstance(args, list):
            raise errors.PyTypeError("'args' must be a list")
        return answer(request_id, dispatch(sandbox, str(params.get("service")), str(params.get("method")), args))
    except Exception as exc:
        return error_answer(request_id, exc, sandbox.major)


def dispatch(sandbox: Sandbox, service: str, method: str, args: list[Any]) -> Any:
    if service == "common":
        return _common(sandbox, method, args)
    if service == "db":
        return _db(sandbox, method, args)
    if service == "object":
        return _object(sandbox, method, args)
    raise errors.OdooError(f"No such service: {service}")


def _common(sandbox: Sandbox, method: str, args: list[Any]) -> Any:
    if method == "version":
        return sandbox.version_payload()
    if method in ("login", "authenticate"):
        if len(args) < 3:
            raise errors.PyTypeError(f"{method}() missing required positional arguments: 'db', 'login', 'password'")
        db, login, password = args[0], args[1], args[2]
        sandbox.check_db(db)
        uid = sandbox.check_password(str(login), str(password))
        return uid if uid is not None else False
    if method == "about":
        return "See http://openerp.com"
    raise errors.PyAttributeError(f"Method not available {method}")


def _db(sandbox: Sandbox, method: str, args: list[Any]) -> Any:
    if method == "list":
        return [sandbox.db]
    if method == "server_version":
        return sandbox.version
    if method == "db_exist":
        return bool(args) and args[0] == sandbox.db
    if method == "list_lang":
        return [["en_US", "English (US)"]]
    raise errors.AccessDenied()


def _object(sandbox: Sandbox, method: str, args: list[Any]) -> Any:
    if method not in ("execute", "execute_kw"):
        raise errors.PyAttributeError(f"Method not available {method}")
    if len(args) < 5:
        raise errors.PyTypeError(f"{method}() missing required positional arguments")
    db, uid, password, model, name = args[:5]
    uid = sandbox.check_uid(db, uid, password)
    if method == "execute":
        return sandbox.call(uid, str(model), str(name), list(args[5:]))
    call_args = args[5] if len(args) > 5 else []
    kwargs = args[6] if len(args) > 6 else {}
    if not isinstance(call_args, list) or not isinstance(kwargs, (dict, type(None))):
        raise errors.PyTypeError("execute_kw() expects a list of arguments and a dict of keyword arguments")
    return sandbox.call(uid, str(model), str(name), call_args, kwargs or {})


# -- /web/... JSON routes (params are named) -----------------------------------------------------
def session_info(sandbox: Sandbox, uid: int) -> dict[str, Any]:
    env = sandbox.env(uid)
    user = sandbox.store.table("res.users")[uid]
    company = sandbox.store.get("res.company", user.get("company_id") or 1) or {}
    context = env["res.users"].context_get()
    return {
        "uid": uid,
        "is_system": env.has_group("base.group_system"),
        "is_admin": env.has_group("base.group_system"),
        "is_public": False,
        "is_internal_user": True,
        "user_context": context,
        "db": sandbox.db,
        "user_settings": {"id": uid, "user_id": {"id": uid}},
        "server_version": sandbox.version,
        "server_version_info": sandbox.version_payload()["server_version_info"],
        "support_url": "https://www.odoo.com/help",
        "name": user.get("name"),
        "username": user.get("login"),
        "partner_id": user.get("partner_id"),
        "partner_display_name": sandbox.env(uid).display_name("res.partner", user.get("partner_id") or 0),
        "company_id": user.get("company_id"),
        "web.base.url": sandbox.base_url,
        "active_ids_limit": 20000,
        "max_file_upload_size": 134217728,
        "home_action_id": False,
        "test_mode": False,
        "currencies": {"1": {"symbol": "£", "position": "before", "digits": [69, 2]}},
        "user_companies": {
            "current_company": user.get("company_id"),
            "allowed_companies": {
                str(user.get("company_id")): {
                    "id": user.get("company_id"),
                    "name": company.get("name"),
                    "sequence": 10,
                    "child_ids": [],
                    "parent_id": False,
                }
            },
        },
    }


def handle_web(sandbox: Sandbox, path: str, body: Any, session_uid: int | None) -> tuple[dict[str, Any], int | None]:
    """The JSON routes under /web. Returns the answer and, after a login, the uid of the new session."""
    request_id = body.get("id") if isinstance(body, dict) else None
    params = (body.get("params") if isinstance(body, dict) else None) or {}
    try:
        if path == "/web/webclient/version_info":
            return answer(request_id, sandbox.version_payload()), None
        if path == "/web/database/list":
            return answer(request_id, [sandbox.db]), None
        if path == "/web/session/authenticate":
            sandbox.check_db(params.get("db"))
            uid = sandbox.check_password(str(params.get("login")), str(params.get("password")))
            if uid is None:
                raise errors.AccessDenied()
            return answer(request_id, session_info(sandbox, uid)), uid
        if session_uid is None:
            raise errors.SessionExpired()
        if path == "/web/session/get_session_info":
            return answer(request_id, session_info(sandbox, session_uid)), None
        if path.startswith("/web/dataset/call_kw"):
            result = sandbox.call(
                session_uid,
                str(params.get("model")),
                str(params.get("method")),
                list(params.get("args") or []),
                dict(params.get("kwargs") or {}),
                transport="web",
            )
            return answer(request_id, result), None
        raise errors.NotFound(f"No route for {path}")
    except Exception as exc:
        return error_answer(request_id, exc, sandbox.major), None
