from __future__ import annotations

from django.urls import path

from apps.integration import views

app_name = "integration"

urlpatterns = [
    path("unassigned/", views.unassigned_page, name="unassigned"),
    path("unassigned/<int:pk>/assign/", views.unassigned_assign_view, name="assign"),
]
