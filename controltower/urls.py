"""URL configuration: each app owns its own `urls.py`."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from apps.portal import errors as portal_errors
from apps.portal.urls import auth_urlpatterns

urlpatterns = [
    *auth_urlpatterns,
    path("", include("apps.portal.urls")),
    path("", include("apps.sync.urls")),
    path("approvals/", include("apps.approvals.urls")),
    path("incidents/", include("apps.incidents.urls")),
    path("store/counts/", include("apps.adjustments.urls")),
    path("exceptions/", include("apps.operations.urls")),
    path("directives/", include("apps.directives.urls")),
    path("health/", include("apps.health.urls")),
    path("integration/", include("apps.integration.urls")),
    path("audit/", include("apps.audit.urls")),
    path("dashboards/", include("apps.dashboards.urls")),
    path("api/v1/", include("apps.api.urls")),
    path("webhooks/", include("apps.webhooks.urls")),
    path("live/", include("apps.live.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("admin/", admin.site.urls),
]

handler403 = portal_errors.permission_denied
handler404 = portal_errors.page_not_found
handler500 = portal_errors.server_error
