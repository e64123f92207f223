"""The interactive documentation (Swagger UI from drf-spectacular-sidecar's static files)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.errors import api_exception_handler

# Swagger UI would otherwise ask validator.swagger.io for a badge: no request leaves for the internet.
SWAGGER_SETTINGS = {"SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None,
                                            "persistAuthorization": False}}


class ApiDocsView(SpectacularSwaggerView):
    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with patched_settings(SWAGGER_SETTINGS):
            return super().get(request, *args, **kwargs)

    def get_exception_handler(self) -> Callable[..., Any]:
        return api_exception_handler

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        """Refusals (405, 406) in the API's JSON shape: the HTML template only renders the docs page."""
        if getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
