from __future__ import annotations

from django.urls import path

from apps.adjustments import views

app_name = "adjustments"

urlpatterns = [
    path("new/", views.count_new, name="new"),
    path("products/", views.product_search, name="products"),
    path("<int:pk>/", views.count_detail, name="detail"),
    path("<int:pk>/photo/", views.count_photo, name="photo"),
]
