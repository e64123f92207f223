from __future__ import annotations

from django.urls import path

from apps.operations import views

app_name = "operations"

urlpatterns = [
    path("", views.exception_list, name="list"),
    path("<int:pk>/", views.exception_detail, name="detail"),
    path("<int:pk>/acknowledge/", views.exception_acknowledge_view, name="acknowledge"),
    path("<int:pk>/assign/", views.exception_assign_view, name="assign"),
    path("<int:pk>/snooze/", views.exception_snooze_view, name="snooze"),
    path("<int:pk>/resolve/", views.exception_resolve_view, name="resolve"),
]
