"""One error body for every refusal of the API:

    {"error": {"code": "not_found", "message": "No such approval request.", "fields": {}}}

`code` is stable and meant for programs, `message` for people, `fields` maps input fields to their
problems (validation errors only). Django's own refusals (404, 403, validation errors from services,
oversized requests) are translated here too, so a client never has to parse an HTML page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

DEFAULT_CODES = {
    400: "invalid", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict", 413: "too_large",
    415: "unsupported_media_type", 429: "throttled", 500: "server_error",
}


class Conflict(exceptions.APIException):
    """The request is valid but the record's state does not allow it now (e.g. already decided)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record's current state does not allow this."
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def error_body(status_code: int, message: str, *, code: str = "", fields: dict[str, Any] | None = None
               ) -> dict[str, Any]:
    return {"error": {"code": code or DEFAULT_CODES.get(status_code, "error"), "message": message,
                      "fields": fields or {}}}


def _flatten(detail: Any) -> Any:
    """DRF error details as plain strings (lists of messages per field, nested where the input is)."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_message(fields: dict[str, Any]) -> str:
    for name, problems in fields.items():
        problem = problems
        while isinstance(problem, (list, dict)) and problem:
            problem = problem[0] if isinstance(problem, list) else next(iter(problem.values()))
        if problem:
            return str(problem) if name in ("non_field_errors", "__all__") else f"{name}: {problem}"
    return "The input is not valid."


def django_validation_fields(exc: ValidationError) -> tuple[str, dict[str, Any]]:
    """A service's ValidationError as (message, fields): field errors stay per field."""
    if hasattr(exc, "error_dict"):
        fields = {("non_field_errors" if key == "__all__" else key): value for key, value in exc.message_dict.items()}
        return _first_message(fields), fields
    return " ".join(exc.messages), {}


def validation_response(exc: ValidationError) -> Response:
    message, fields = django_validation_fields(exc)
    set_rollback()
    return Response(error_body(400, message, fields=fields), status=400)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's handler for every API view (set on the base view, not globally)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) if exc.args else "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Your roles do not allow this.")
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, TooManyFieldsSent):  # Django answers it with a 400 outside the API too
        exc = exceptions.ValidationError({"non_field_errors": [
            f"Too many form fields (at most {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}): send a list as JSON."]})
    elif isinstance(exc, ValidationError):
        return validation_response(exc)
    if not isinstance(exc, exceptions.APIException):
        # A bug: log it with its traceback and still answer in the documented shape.
        logger.exception("Unhandled error in the API", exc_info=exc)
        if transaction.get_connection().in_atomic_block:
            set_rollback()
        return Response(error_body(500, "Something went wrong on our side; it has been logged."), status=500)
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait) + 1)  # type: ignore[attr-defined]
    status_code = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        body = error_body(400, _first_message(fields), fields=fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else ""
        if code in ("error", "") or (code == "permission_denied" and status_code == 401):
            code = DEFAULT_CODES.get(status_code, "error")
        message = _flatten(exc.detail)
        if not isinstance(message, str):
            message = _first_message(message if isinstance(message, dict) else {"detail": message})
        body = error_body(status_code, message, code=code)
    set_rollback()
    return Response(body, status=status_code, headers=headers)


@csrf_exempt  # a refusal changes nothing; without this an unknown POST would get Django's HTML CSRF page
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown URLs under /api/v1/ answer in the API's shape, with a hint for a missing slash."""
    message = "No API endpoint at this address; see /api/v1/docs/."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not_found":
            message = f"No API endpoint here; did you mean {request.path}/ (with the trailing slash)?"
    return JsonResponse(error_body(404, message), status=404)
