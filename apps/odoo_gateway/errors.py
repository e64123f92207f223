"""The project's own Odoo errors, and the one place that decides which Odoo failure is which.

Callers never see `odoorpc`, `urllib` or HTTP status codes: they catch one of these classes and
act on its meaning. The split follows what a caller must *do*, not how Odoo spells the failure:

| class                     | what the caller does                                             |
|---------------------------|------------------------------------------------------------------|
| `OdooUnavailable`         | try again later (`transient = True`); on a write the outcome is  |
|                           | unknown, so the outbox re-checks and re-applies idempotently     |
| `OdooMalformedAnswer`     | same as unavailable (a proxy's HTML error page, a cut body)      |
| `OdooAuthError`           | stop and alert: our credentials are wrong or were revoked        |
| `OdooAccessDenied`        | tell the user the integration user lacks rights in Odoo          |
| `OdooRecordMissing`       | the record was deleted in Odoo: drop or reconcile the mirror row |
| `OdooBusinessRuleRefused` | show Odoo's message to the user; the decision cannot be applied  |
| `OdooProgrammingError`    | a bug in our request (or configuration): alert, never retry      |

Every error carries `odoo_name` (Odoo's exception class, e.g. `odoo.exceptions.UserError`), the
`message`, and the `model`/`method` it happened on. None of them ever carries a credential: messages
are scrubbed of the configured secrets before the error is built, and the request is not kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

REDACTED = "**********"


class OdooError(Exception):
    """Base of every failure the gateway reports; catch this to catch them all."""

    transient: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        odoo_name: str | None = None,
        model: str | None = None,
        method: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.odoo_name = odoo_name
        self.model = model
        self.method = method
        self.http_status = http_status

    def __str__(self) -> str:
        where = f" ({self.model}.{self.method})" if self.model and self.method else ""
        kind = f"[{self.odoo_name}] " if self.odoo_name else ""
        return f"{kind}{self.message}{where}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, odoo_name={self.odoo_name!r}, "
            f"model={self.model!r}, method={self.method!r}, http_status={self.http_status!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructor arguments defeat Exception's default pickling; Celery pickles
        # exceptions raised by tasks, so rebuild from the attributes instead.
        return (_rebuild, (type(self), self.message, self.odoo_name, self.model, self.method, self.http_status))


def _rebuild(
    cls: type[OdooError],
    message: str,
    odoo_name: str | None,
    model: str | None,
    method: str | None,
    http_status: int | None,
) -> OdooError:
    return cls(message, odoo_name=odoo_name, model=model, method=method, http_status=http_status)


class OdooUnavailable(OdooError):
    """Odoo could not be reached or did not answer in time: connection refused, timeout, HTTP 5xx."""

    transient = True


class OdooMalformedAnswer(OdooUnavailable):
    """Odoo (or something in front of it) answered with something that is not Odoo's protocol.

    A subclass of `OdooUnavailable` because in practice this is a proxy's HTML error page or a body
    cut short while Odoo restarts: retrying later is the right reaction, as for an outage.
    """


class OdooAuthError(OdooError):
    """Our credentials were refused: wrong login/password/API key, or the key was revoked."""


class OdooAccessDenied(OdooError):
    """The integration user is authenticated but lacks the rights for this model or record."""


class OdooRecordMissing(OdooError):
    """The record does not exist (any more) in Odoo."""


class OdooBusinessRuleRefused(OdooError):
    """Odoo refused the operation for a business reason; `message` is meant for the user."""

    @property
    def user_message(self) -> str:
        return self.message


class OdooProgrammingError(OdooError):
    """The request cannot succeed as sent: unknown model or method, bad field, bad argument.

    This is a bug in our code or configuration, so it is never retried.
    """


# Odoo's exception class (error.data.name over JSON-RPC, `name` over JSON-2) -> our class.
# Subclasses are listed by their own names because Odoo reports the concrete class.
_BY_ODOO_NAME: dict[str, type[OdooError]] = {
    "odoo.exceptions.AccessDenied": OdooAuthError,
    "odoo.http.SessionExpiredException": OdooAuthError,
    "werkzeug.exceptions.Unauthorized": OdooAuthError,
    "odoo.exceptions.AccessError": OdooAccessDenied,
    "werkzeug.exceptions.Forbidden": OdooAccessDenied,
    "odoo.exceptions.MissingError": OdooRecordMissing,
    "odoo.exceptions.UserError": OdooBusinessRuleRefused,
    "odoo.exceptions.ValidationError": OdooBusinessRuleRefused,
    "odoo.exceptions.RedirectWarning": OdooBusinessRuleRefused,
    "odoo.exceptions.LockError": OdooBusinessRuleRefused,
    "builtins.AttributeError": OdooProgrammingError,
    "builtins.ValueError": OdooProgrammingError,
    "builtins.TypeError": OdooProgrammingError,
    "builtins.KeyError": OdooProgrammingError,
    "builtins.IndexError": OdooProgrammingError,
    "builtins.AssertionError": OdooProgrammingError,
    "odoo.exceptions.CacheMiss": OdooProgrammingError,
    "werkzeug.exceptions.NotFound": OdooProgrammingError,
    "werkzeug.exceptions.BadRequest": OdooProgrammingError,
    "werkzeug.exceptions.UnprocessableEntity": OdooProgrammingError,
    "werkzeug.exceptions.MethodNotAllowed": OdooProgrammingError,
    "psycopg2.OperationalError": OdooUnavailable,
    "psycopg2.errors.SerializationFailure": OdooUnavailable,
    "psycopg2.errors.LockNotAvailable": OdooUnavailable,
    "odoo.service.model.RetryableJobError": OdooUnavailable,
}


def _by_status(status: int) -> type[OdooError]:
    """What a bare HTTP status means when the body does not name an Odoo exception."""
    if status == 401:
        return OdooAuthError
    if status == 403:
        return OdooAccessDenied
    if status in (408, 425, 429) or status >= 500:
        return OdooUnavailable
    if 400 <= status < 500:
        # 404: no such endpoint (an Odoo without JSON-2, a wrong URL); 400/422: a request Odoo
        # cannot parse. Neither gets better by retrying.
        return OdooProgrammingError
    return OdooMalformedAnswer


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every configured secret replaced, so no credential reaches a log or a user."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def map_odoo_error(
    odoo_name: str | None,
    message: str,
    *,
    http_status: int | None = None,
    model: str | None = None,
    method: str | None = None,
    secrets: Iterable[str] = (),
) -> OdooError:
    """The one mapping from Odoo's failure to our error class.

    The exception name wins when Odoo gave one (JSON-2 answers 500 for a `builtins.ValueError`,
    which is our bug, not an outage); the HTTP status decides only for answers without an Odoo
    body, such as a proxy's 502. Two refinements:

    - Odoo 18 reports an unknown *model* as a `UserError` ("Object no.such.model doesn't exist").
      That is our bug, not a business refusal to show a user, so it becomes `OdooProgrammingError`.
      The check compares the message with the model we asked for; if Odoo ever translates that
      message, the error degrades to `OdooBusinessRuleRefused` (still not retried).
    - `psycopg2.OperationalError` means "database is down" (transient) except when it says the
      database does not exist (a configuration mistake), which is not worth retrying.
    """
    secrets = tuple(secrets)
    text = message or ""
    cls: type[OdooError]
    if odoo_name and odoo_name in _BY_ODOO_NAME:
        cls = _BY_ODOO_NAME[odoo_name]
    elif odoo_name:
        cls = OdooError  # an Odoo-side exception we have no meaning for: fail, do not retry
    elif http_status is not None:
        cls = _by_status(http_status)
    else:
        cls = OdooMalformedAnswer
    # Classify on Odoo's own words; scrub them only afterwards (a short secret could hit a word).
    if cls is OdooBusinessRuleRefused and model and text.strip() == f"Object {model} doesn't exist":
        cls = OdooProgrammingError
    if odoo_name == "psycopg2.OperationalError" and "does not exist" in text:
        cls = OdooProgrammingError
    return cls(
        redact(text, secrets) or "Odoo reported an error without a message",
        odoo_name=redact(odoo_name, secrets) if odoo_name else None,
        model=model,
        method=method,
        http_status=http_status,
    )


def error_from_jsonrpc(
    error: Any,
    *,
    model: str | None = None,
    method: str | None = None,
    secrets: Iterable[str] = (),
) -> OdooError:
    """Our error for a JSON-RPC `error` member: `{code, message, data: {name, message, ...}}`."""
    if not isinstance(error, Mapping):
        return OdooMalformedAnswer("Odoo answered with an error that is not an object", model=model, method=method)
    data = error.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("name"), str):
        message = data.get("message")
        text = message if isinstance(message, str) else str(error.get("message") or "")
        return map_odoo_error(data["name"], text, model=model, method=method, secrets=secrets)
    # A JSON-RPC level error without Odoo's data (e.g. a parse error from a proxy or a fake).
    code = error.get("code")
    status = code if isinstance(code, int) and 400 <= code < 600 else None
    text = str(error.get("message") or "JSON-RPC error without details")
    if status is None:
        return OdooMalformedAnswer(redact(text, tuple(secrets)), model=model, method=method)
    return map_odoo_error(None, text, http_status=status, model=model, method=method, secrets=secrets)


def error_from_json2(
    status: int,
    body: Any,
    *,
    model: str | None = None,
    method: str | None = None,
    secrets: Iterable[str] = (),
) -> OdooError:
    """Our error for a JSON-2 answer with a 4xx/5xx `status` and a parsed `body` (or None)."""
    if isinstance(body, Mapping) and isinstance(body.get("name"), str):
        message = body.get("message")
        text = message if isinstance(message, str) else f"HTTP {status}"
        return map_odoo_error(
            body["name"], text, http_status=status, model=model, method=method, secrets=secrets
        )
    return map_odoo_error(
        None, f"HTTP {status} from Odoo", http_status=status, model=model, method=method, secrets=secrets
    )
