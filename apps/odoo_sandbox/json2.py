"""JSON-2 (Odoo 19+): `POST /json/2/<model>/<method>` with a bearer API key and named arguments.

Success is 200 with the bare result; errors are 4xx/5xx with `{name, message, arguments, context,
debug}`: 401 bad key, 403 access, 404 unknown model/method or missing record, 422 user error or
unexpected argument, 500 other server errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import errors
from .orm import REGISTRY

if TYPE_CHECKING:
    from .core import Sandbox


def handle_json2(sandbox: Sandbox, model: str, method: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
    """Returns (HTTP status, JSON body)."""
    context: dict[str, Any] = {}
    try:
        auth = headers.get("authorization", "")
        scheme, _, key = auth.partition(" ")
        uid = sandbox.uid_for_key(key.strip()) if scheme.lower() == "bearer" else None
        if uid is None:
            raise errors.Unauthorized()
        database = headers.get("x-odoo-database")
        if database and database != sandbox.db:
            raise errors.NotFound(f"Database {database!r} not found")
        if not isinstance(body, dict):
            raise errors.UnprocessableEntity("The request body must be a JSON object of named arguments")
        kwargs = dict(body)
        ids = kwargs.pop("ids", None)
        context = kwargs.pop("context", None) or {}
        if not isinstance(context, dict):
            raise errors.UnprocessableEntity("'context' must be an object")
        if model not in REGISTRY:
            raise errors.NotFound(f"Object {model} doesn't exist")
        if ids is not None and (
            not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        ):
            raise errors.UnprocessableEntity("'ids' must be a list of integers")
        try:
            result = sandbox.call(
                uid, model, method, [], {**kwargs, "context": context}, transport="json2", ids=ids or []
            )
        except errors.PyTypeError as exc:
            raise errors.UnprocessableEntity(exc.message) from exc
        return 200, result
    except Exception as exc:
        failure = exc if isinstance(exc, errors.OdooError) else errors.OdooError(str(exc) or type(exc).__name__)
        if failure is not exc:
            failure.name, failure.json2_status = f"builtins.{type(exc).__name__}", 500
        return failure.json2_status, failure.payload(context)
