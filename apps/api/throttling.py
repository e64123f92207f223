"""Rate limits: per token (each token has its own budget), per signed-in person, per address otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.throttling import SimpleRateThrottle

from apps.api import conf
from apps.api.access import token_of
from apps.audit.services import client_ip

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self) -> None:
        self.rate = conf.RATE_TOKEN
        super().__init__()

    def allow_request(self, request: Request, view: APIView) -> bool:
        # Read the rate per request so that a changed setting (or a test) applies at once.
        token = token_of(request)
        self.rate = conf.RATE_TOKEN if token is not None or request.user.is_authenticated else conf.RATE_ANONYMOUS
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        token = token_of(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def get_ident(self, request: Request) -> str:
        """The same client address as the sign-in lock-out and the audit trail (CT_PROXY_COUNT)."""
        return client_ip(request) or ""
