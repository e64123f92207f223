from __future__ import annotations

from django.urls import path

from apps.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("panel/", views.incident_list_panel, name="list_panel"),
    path("new/", views.incident_new, name="new"),
    path("triage/", views.incident_triage, name="triage"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/panel/", views.incident_panel, name="panel"),
    path("<int:pk>/comments/", views.incident_comment, name="comment"),
    path("<int:pk>/override/", views.incident_override_view, name="override"),
    path("<int:pk>/fixed/", views.incident_fixed, name="fixed"),
    path("<int:pk>/reopen/", views.incident_reopen_view, name="reopen"),
    path("photos/<uuid:photo_id>/", views.incident_photo, name="photo"),
]
