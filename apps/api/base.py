"""The policy every API view shares: authentication, permissions, throttling, pagination, filtering,
the error body and the schema. Endpoints subclass these instead of repeating any of it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import permissions, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from apps.api import conf
from apps.api.access import READ_ONLY_MESSAGE, token_of
from apps.api.authentication import BearerTokenAuthentication
from apps.api.errors import PayloadTooLarge, api_exception_handler
from apps.api.pagination import ApiCursorPagination
from apps.api.schema import ApiAutoSchema
from apps.api.throttling import PerTokenThrottle

if TYPE_CHECKING:
    from rest_framework.request import Request

MULTIPART_SLACK = 1024 * 1024


class TokenWriteAccess(permissions.BasePermission):
    """A read-only token may only read, whatever its user's roles allow."""

    message = READ_ONLY_MESSAGE
    code = "read_only_token"

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = token_of(request)
        return request.method in permissions.SAFE_METHODS or token is None or not token.read_only


def max_body_bytes(request: Request) -> int:
    """JSON bodies are small; multipart bodies may carry the photos an incident allows."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        from apps.incidents import conf as incident_conf

        return incident_conf.MAX_PHOTOS * incident_conf.PHOTO_MAX_BYTES + MULTIPART_SLACK
    return conf.MAX_JSON_BYTES


def request_body(request: Request) -> Mapping[str, Any]:
    """The parsed body as a mapping; a JSON array or scalar is a 400, not a crash."""
    data = request.data
    if not isinstance(data, Mapping):
        raise ApiValidationError({"non_field_errors": ["The body must be a JSON object (or a form)."]})
    return data


class ApiPolicy(APIView):
    """The base of every API view (function views are not used: the policy lives here once)."""

    # The token first: an anonymous call then gets 401 with a Bearer challenge; the session serves the
    # browser (CSRF-checked on writes), e.g. the interactive docs while signed in.
    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, TokenWriteAccess]
    throttle_classes = [PerTokenThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    schema = ApiAutoSchema()

    def get_exception_handler(self) -> Callable[..., Any]:
        return api_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_body_bytes(request):
            raise PayloadTooLarge(gettext("The request body is larger than %(size)d KiB.")
                                  % {"size": max_body_bytes(request) // 1024})
        super().initial(request, *args, **kwargs)

    # Throttle before refusing: anonymous callers and bad tokens use up their address's budget too, so
    # guessing tokens is rate-limited. DRF would only throttle requests that passed the permissions.
    def perform_authentication(self, request: Request) -> None:
        try:
            super().perform_authentication(request)
        except AuthenticationFailed:
            self.check_throttles(request)
            raise

    def check_permissions(self, request: Request) -> None:
        self.check_throttles(request)
        super().check_permissions(request)

    def check_throttles(self, request: Request) -> None:
        if getattr(request, "_throttle_checked", False):
            return
        request._throttle_checked = True  # type: ignore[attr-defined]
        super().check_throttles(request)


class ApiView(ApiPolicy):
    """A single-purpose endpoint (an action or a small read)."""


class ApiReadViewSet(ApiPolicy, viewsets.ReadOnlyModelViewSet):
    """List (filtered, ordered, cursor-paginated) and detail of one kind of record."""

    pagination_class = ApiCursorPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    lookup_value_regex = r"\d{1,18}"
