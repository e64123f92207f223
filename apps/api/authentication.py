"""Bearer token authentication for the API (`Authorization: Bearer ct_<prefix>_<secret>`).

It comes before session authentication, so an anonymous call is answered 401 with a
`WWW-Authenticate: Bearer` challenge rather than 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from apps.api.services import TokenRejected, token_authenticate

if TYPE_CHECKING:
    from rest_framework.request import Request

    from apps.api.models import ApiToken


class TokenAuthenticationFailed(AuthenticationFailed):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(detail=message, code=code)


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise TokenAuthenticationFailed("invalid_token", "Send exactly one token: Authorization: Bearer <token>.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise TokenAuthenticationFailed("invalid_token", "The token is malformed.") from None
        try:
            token = token_authenticate(raw, request=request._request)
        except TokenRejected as rejected:
            raise TokenAuthenticationFailed(rejected.code, rejected.message) from None
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "ct_<prefix>_<secret>",
                "description": "An API token from the API & webhooks page (shown once when created)."}
