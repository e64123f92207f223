from __future__ import annotations

from django.urls import path

from apps.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("hq/", views.hq, name="hq"),
    path("hq/panels/<slug:panel>/", views.hq_panel, name="hq_panel"),
    path("hq/export/<slug:table>.csv", views.hq_export, name="hq_export"),
    path("region/<str:code>/", views.region, name="region"),
    path("region/<str:code>/panels/<slug:panel>/", views.region_panel, name="region_panel"),
    path("region/<str:code>/export/<slug:table>.csv", views.region_export, name="region_export"),
    path("store/<str:code>/", views.store, name="store"),
    path("store/<str:code>/panels/<slug:panel>/", views.store_panel, name="store_panel"),
    path("store/<str:code>/export/<slug:table>.csv", views.store_export, name="store_export"),
]
