"""OpenAPI details: every operation documents the error bodies it can answer with.

The error responses are added by the schema class of the base view, so a new endpoint is documented
correctly without repeating them; schemathesis checks responses against exactly this.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers


def choice_field(choices: type[models.Choices], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field documented with its enum kept inline (wrapped in `allOf`, which drf-spectacular's
    enum post-processing leaves alone). Several records have a `status` or a `category` with different
    choices: as shared enum components their names would collide, and the schema check that
    `manage.py check --deploy` runs (with the global settings) would warn about it."""
    values = [str(value) for value in choices.values]
    # The sibling key keeps drf-spectacular from unwrapping the single-item allOf again.
    inline = {"allOf": [{"type": "string", "enum": values}], "x-choices": choices.__name__}
    plain_class = type(f"{choices.__name__}Field", (serializers.ChoiceField,), {})
    field_class = extend_schema_field(inline)(plain_class)
    field: serializers.ChoiceField = field_class(choices=choices.choices, **kwargs)
    return field


class ErrorSerializer(serializers.Serializer):
    # Built inline: a declared attribute called `fields` would shadow Serializer.fields.
    error = inline_serializer(name="ErrorDetail", fields={
        "code": serializers.CharField(help_text="Stable, for programs: e.g. invalid, not_found, token_expired."),
        "message": serializers.CharField(help_text="For people."),
        "fields": serializers.DictField(child=serializers.JSONField(), help_text="Input field → its problems."),
    })


ERROR_DESCRIPTIONS = {
    "400": "Invalid input; nothing was changed.",
    "401": "No credentials, or the token is invalid, expired or revoked.",
    "403": "Authenticated, but the roles (or the token's limits) do not allow this.",
    "404": "Not found, or outside the caller's scope.",
    "409": "The record's current state does not allow this (e.g. already decided).",
    "413": "The request body is too large.",
    "415": "Unsupported content type.",
    "429": "Rate limit reached; retry after the Retry-After header.",
}


class ApiAutoSchema(AutoSchema):
    """Adds the documented error responses to every API operation."""

    def _error_codes(self) -> list[str]:
        # Lists answer 400 for a bad filter and 404 for a bad cursor, details 404 outside the scope.
        codes = ["400", "401", "403", "404", "429"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes += ["409", "413", "415"]
        return sorted(codes)

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        for code in self._error_codes():
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = body
        return responses
