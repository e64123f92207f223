from __future__ import annotations

from django.urls import path

from apps.sync import views

app_name = "sync"

urlpatterns = [
    path("hooks/odoo/<str:token>/", views.odoo_hint, name="odoo-hint"),
]
