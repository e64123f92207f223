from __future__ import annotations

from django.urls import path

from apps.live import views

app_name = "live"

urlpatterns = [
    path("relay/", views.relay, name="relay"),
]
