from __future__ import annotations

from django.urls import path

from apps.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("new/", views.subscription_new, name="new"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("<int:pk>/delete/", views.subscription_delete_view, name="delete"),
    path("<int:pk>/deliveries/", views.deliveries_panel, name="deliveries"),
    path("<int:pk>/rotate-secret/", views.subscription_rotate, name="rotate"),
    path("<int:pk>/ping/", views.subscription_ping_view, name="ping"),
    path("deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:pk>/redeliver/", views.delivery_redeliver_view, name="redeliver"),
]
