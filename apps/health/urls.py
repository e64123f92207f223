from __future__ import annotations

from django.urls import path

from apps.health import views

app_name = "health"

urlpatterns = [
    path("", views.health_page, name="page"),
    path("signals/<int:pk>/", views.signal_detail, name="signal"),
    path("api/signals/", views.signals_json, name="json"),
    path("metrics", views.metrics, name="metrics"),
    path("writebacks/<int:pk>/replay/", views.writeback_replay_view, name="replay"),
]
