"""The mapping from Odoo's failures to our error classes, checked on the recorded payloads.

The payloads are the `error.data` objects a real Odoo 18 answered in
`shared/odoo-contract/recorded/03_errors.json` (and the handshake/maintenance recordings).
"""

from __future__ import annotations

import pickle

import pytest

from apps.odoo_gateway.errors import (
    OdooAccessDenied,
    OdooAuthError,
    OdooBusinessRuleRefused,
    OdooError,
    OdooMalformedAnswer,
    OdooProgrammingError,
    OdooRecordMissing,
    OdooUnavailable,
    error_from_json2,
    error_from_jsonrpc,
    map_odoo_error,
)

MISSING = "Record does not exist or has been deleted.\n(Record: purchase.order(999999999,), User: 2)"

# (step in the recording, model, method, error.data.name, message, our class)
RECORDED = [
    ("execute_wrong_password", "res.partner", "search_count", "odoo.exceptions.AccessDenied", "Access Denied",
     OdooAuthError),
    ("missing_write", "purchase.order", "write", "odoo.exceptions.MissingError", MISSING, OdooRecordMissing),
    ("missing_button", "purchase.order", "button_approve", "odoo.exceptions.MissingError", MISSING,
     OdooRecordMissing),
    ("no_access", "purchase.order", "search_read", "odoo.exceptions.AccessError",
     "You are not allowed to access 'Purchase Order' (purchase.order) records.", OdooAccessDenied),
    ("private_method", "purchase.order", "_approval_allowed", "odoo.exceptions.AccessError",
     "Private methods (such as _approval_allowed) cannot be called remotely.", OdooAccessDenied),
    ("unknown_method", "purchase.order", "button_reject", "builtins.AttributeError",
     "The method 'button_reject' does not exist on the model 'purchase.order'", OdooProgrammingError),
    ("unknown_model", "no.such.model", "search", "odoo.exceptions.UserError", "Object no.such.model doesn't exist",
     OdooProgrammingError),
    ("bad_domain_field", "purchase.order", "search", "builtins.ValueError",
     "Invalid field purchase.order.no_such_field in leaf ('no_such_field', '=', 1)", OdooProgrammingError),
    ("missing_required", "purchase.order", "create", "odoo.exceptions.ValidationError",
     "The operation cannot be completed:\n- Create/update: a mandatory field is not set.", OdooBusinessRuleRefused),
    ("delete_confirmed", "purchase.order", "unlink", "odoo.exceptions.UserError",
     "In order to delete a purchase order, you must cancel it first.", OdooBusinessRuleRefused),
    ("not_singleton", "purchase.order", "message_post", "builtins.ValueError",
     "Expected singleton: purchase.order(70, 72)", OdooProgrammingError),
    ("approve_again", "account.move", "action_post", "odoo.exceptions.UserError",
     "The entry INV/2026/00001 (id 53) is already posted.", OdooBusinessRuleRefused),
    ("no_active_field", "maintenance.request", "action_archive", "builtins.AssertionError", "", OdooProgrammingError),
]


def _jsonrpc_error(name: str, message: str) -> dict[str, object]:
    return {
        "code": 200,
        "message": "Odoo Server Error",
        "data": {"name": name, "debug": "Traceback ...", "message": message, "arguments": [message], "context": {}},
    }


@pytest.mark.parametrize(("step", "model", "method", "name", "message", "expected"), RECORDED)
def test_it_maps_every_recorded_jsonrpc_error(
    step: str, model: str, method: str, name: str, message: str, expected: type[OdooError]
) -> None:
    error = error_from_jsonrpc(_jsonrpc_error(name, message), model=model, method=method)

    assert type(error) is expected, step
    assert error.odoo_name == name
    assert error.model == model
    assert error.method == method
    assert error.message == (message or "Odoo reported an error without a message")


def test_it_keeps_odoos_message_for_the_user_on_business_refusals() -> None:
    error = error_from_jsonrpc(
        _jsonrpc_error("odoo.exceptions.UserError", "In order to delete a purchase order, you must cancel it first."),
        model="purchase.order",
        method="unlink",
    )

    assert isinstance(error, OdooBusinessRuleRefused)
    assert error.user_message == "In order to delete a purchase order, you must cancel it first."
    assert not error.transient


def test_it_treats_a_user_error_about_another_model_as_a_business_refusal() -> None:
    error = map_odoo_error("odoo.exceptions.UserError", "Object no.such.model doesn't exist", model="res.partner")

    assert type(error) is OdooBusinessRuleRefused


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (401, "werkzeug.exceptions.Unauthorized", OdooAuthError),
        (401, "odoo.exceptions.AccessDenied", OdooAuthError),
        (403, "odoo.exceptions.AccessError", OdooAccessDenied),
        (404, "odoo.exceptions.MissingError", OdooRecordMissing),
        (404, "werkzeug.exceptions.NotFound", OdooProgrammingError),
        (404, "builtins.AttributeError", OdooProgrammingError),
        (422, "werkzeug.exceptions.UnprocessableEntity", OdooProgrammingError),
        (422, "odoo.exceptions.UserError", OdooBusinessRuleRefused),
        (422, "odoo.exceptions.ValidationError", OdooBusinessRuleRefused),
        (500, "builtins.ValueError", OdooProgrammingError),
        (500, "builtins.ZeroDivisionError", OdooError),
    ],
)
def test_it_maps_json2_errors_by_name_before_status(status: int, name: str, expected: type[OdooError]) -> None:
    error = error_from_json2(status, {"name": name, "message": "m", "arguments": ["m"], "context": {}, "debug": ""})

    assert type(error) is expected
    assert error.http_status == status


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, OdooAuthError),
        (403, OdooAccessDenied),
        (404, OdooProgrammingError),
        (429, OdooUnavailable),
        (502, OdooUnavailable),
        (503, OdooUnavailable),
    ],
)
def test_it_maps_bare_http_statuses_when_no_odoo_body(status: int, expected: type[OdooError]) -> None:
    error = error_from_json2(status, None)

    assert type(error) is expected


def test_it_marks_only_outages_as_transient() -> None:
    assert OdooUnavailable("x").transient
    assert OdooMalformedAnswer("x").transient
    assert isinstance(OdooMalformedAnswer("x"), OdooUnavailable)
    for cls in (OdooAuthError, OdooAccessDenied, OdooRecordMissing, OdooBusinessRuleRefused, OdooProgrammingError):
        assert not cls("x").transient


def test_it_maps_a_database_outage_as_transient_but_a_missing_database_as_a_mistake() -> None:
    down = map_odoo_error("psycopg2.OperationalError", "connection to server failed")
    wrong = map_odoo_error("psycopg2.OperationalError", 'database "nope" does not exist')

    assert type(down) is OdooUnavailable
    assert type(wrong) is OdooProgrammingError


def test_it_treats_an_error_without_odoo_data_as_malformed() -> None:
    assert type(error_from_jsonrpc("boom")) is OdooMalformedAnswer
    assert type(error_from_jsonrpc({"code": -32700, "message": "Parse error"})) is OdooMalformedAnswer


def test_it_scrubs_secrets_from_messages() -> None:
    error = map_odoo_error("odoo.exceptions.UserError", "password hunter2 rejected", secrets=("hunter2",))

    assert "hunter2" not in str(error)
    assert "hunter2" not in repr(error)


def test_it_survives_pickling_for_celery() -> None:
    error = map_odoo_error("odoo.exceptions.MissingError", MISSING, model="purchase.order", method="write")

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is OdooRecordMissing
    assert (copy.message, copy.odoo_name, copy.model, copy.method) == (
        error.message, error.odoo_name, error.model, error.method,
    )


def test_it_says_what_failed_where() -> None:
    error = map_odoo_error("builtins.ValueError", "Invalid field", model="purchase.order", method="search")

    assert str(error) == "[builtins.ValueError] Invalid field (purchase.order.search)"


def test_it_classifies_before_scrubbing_a_short_secret_out_of_the_message() -> None:
    error = map_odoo_error("psycopg2.OperationalError", 'database "nope" does not exist', secrets=("x",))

    assert type(error) is OdooProgrammingError
    assert "x" not in error.message
