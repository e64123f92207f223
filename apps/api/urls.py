"""The REST API under /api/v1/ (and the token page for people)."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from apps.api import views
from apps.api.docs import ApiDocsView
from apps.api.endpoints.approvals import ApprovalRequestViewSet
from apps.api.endpoints.audit import AuditEventViewSet
from apps.api.endpoints.directives import CompleteItemView, DirectiveViewSet, ReviewItemView, SubmitView
from apps.api.endpoints.health import HealthView
from apps.api.endpoints.incidents import IncidentPhotoView, IncidentViewSet
from apps.api.endpoints.operations import OpsExceptionViewSet
from apps.api.endpoints.organisation import MeView, RegionViewSet, StoreViewSet
from apps.api.endpoints.root import ApiRootView
from apps.api.errors import not_found

app_name = "api"

router = SimpleRouter()
router.register("stores", StoreViewSet, basename="store")
router.register("regions", RegionViewSet, basename="region")
router.register("approvals", ApprovalRequestViewSet, basename="approval")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("exceptions", OpsExceptionViewSet, basename="exception")
router.register("audit", AuditEventViewSet, basename="audit")
router.register("directives", DirectiveViewSet, basename="directive")

urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("me/", MeView.as_view(), name="me"),
    path("health/", HealthView.as_view(), name="health"),
    path("incidents/photos/<uuid:photo_id>/", IncidentPhotoView.as_view(), name="incident-photo"),
    path("directives/copies/<int:copy_id>/items/<int:item_id>/complete/", CompleteItemView.as_view(),
         name="directive-item-complete"),
    path("directives/copies/<int:copy_id>/items/<int:item_id>/review/", ReviewItemView.as_view(),
         name="directive-item-review"),
    path("directives/copies/<int:copy_id>/submit/", SubmitView.as_view(), name="directive-copy-submit"),
    path("tokens/ui/", views.tokens_page, name="tokens"),
    path("tokens/ui/new/", views.token_new, name="token_new"),
    path("tokens/ui/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("tokens/ui/service-accounts/", views.service_account_new, name="service_account_new"),
    *router.urls,
    re_path(r"^(?P<path>[\s\S]*)$", not_found, name="not_found"),  # any character, a newline too
]
