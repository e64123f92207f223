"""Odoo's exception kinds, as they travel over the wire.

Each class knows the fully qualified Python name Odoo puts in `error.data.name` (JSON-RPC) or `name`
(JSON-2), and the HTTP status JSON-2 answers with. Only the names and shapes matter to clients.
"""

from __future__ import annotations

from typing import Any


class OdooError(Exception):
    """Base of every error the sandbox reports to a client."""

    name = "odoo.exceptions.UserError"
    json2_status = 422
    rpc_code = 200

    def __init__(self, message: str, *extra: Any) -> None:
        super().__init__(message, *extra)
        self.message = message
        self.arguments = [message, *extra]

    def payload(self, context: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `error.data` object of JSON-RPC, which is also the JSON-2 error body."""
        return {
            "name": self.name,
            "debug": fake_traceback(self.name, self.message),
            "message": self.message,
            "arguments": list(self.arguments),
            "context": context or {},
        }


class UserError(OdooError):
    name = "odoo.exceptions.UserError"


class AccessDenied(OdooError):
    name = "odoo.exceptions.AccessDenied"
    json2_status = 401

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class AccessError(OdooError):
    name = "odoo.exceptions.AccessError"
    json2_status = 403


class MissingError(OdooError):
    name = "odoo.exceptions.MissingError"
    json2_status = 404


class ValidationError(OdooError):
    name = "odoo.exceptions.ValidationError"


class PyValueError(OdooError):
    name = "builtins.ValueError"
    json2_status = 500


class PyAttributeError(OdooError):
    name = "builtins.AttributeError"
    json2_status = 404


class PyAssertionError(OdooError):
    name = "builtins.AssertionError"
    json2_status = 500


class PyTypeError(OdooError):
    name = "builtins.TypeError"
    json2_status = 422


class BadArguments(PyTypeError):
    """The call's arguments do not fit the method's signature (JSON-2 answers 422 with `bare`)."""

    def __init__(self, message: str, bare: str) -> None:
        super().__init__(message)
        self.bare = bare


class PyKeyError(OdooError):
    name = "builtins.KeyError"
    json2_status = 500


class DatabaseMissing(OdooError):
    name = "psycopg2.OperationalError"
    json2_status = 404


class SessionExpired(OdooError):
    name = "odoo.http.SessionExpiredException"
    rpc_code = 100
    json2_status = 401

    def __init__(self, message: str = "Session expired") -> None:
        super().__init__(message)


class Unauthorized(OdooError):
    """JSON-2's answer to a missing or wrong API key."""

    name = "werkzeug.exceptions.Unauthorized"
    json2_status = 401

    def __init__(self, message: str = "Invalid apikey") -> None:
        super().__init__(message, 401)


class NotFound(OdooError):
    name = "werkzeug.exceptions.NotFound"
    json2_status = 404

    def __init__(self, message: str) -> None:
        super().__init__(message, 404)


class UnprocessableEntity(OdooError):
    name = "werkzeug.exceptions.UnprocessableEntity"
    json2_status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message, 422)


def fake_traceback(name: str, message: str) -> str:
    """A traceback-looking `debug` text whose last line reads like Odoo's."""
    short = name.split(".", 1)[1] if name.startswith("builtins.") else name
    return (
        "Traceback (most recent call last):\n"
        '  File "/usr/lib/python3/dist-packages/odoo/http.py", line 2375, in __call__\n'
        "    response = request._serve_db()\n"
        '  File "/usr/lib/python3/dist-packages/odoo/service/model.py", line 156, in retrying\n'
        "    result = func()\n"
        f"{short}: {message}\n"
    )


def record_repr(model: str, ids: list[int] | tuple[int, ...]) -> str:
    """Python's repr of an Odoo recordset: `purchase.order(7,)` or `purchase.order(70, 72)`."""
    if len(ids) == 1:
        return f"{model}({ids[0]},)"
    return f"{model}({', '.join(str(i) for i in ids)})"


def missing(model: str, ids: list[int], uid: int) -> MissingError:
    return MissingError(f"Record does not exist or has been deleted.\n(Record: {record_repr(model, ids)}, User: {uid})")


def not_singleton(model: str, ids: list[int]) -> PyValueError:
    return PyValueError(f"Expected singleton: {record_repr(model, ids)}")
