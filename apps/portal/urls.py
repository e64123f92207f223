from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("store/", views.store_home, name="store"),
    path("store/panel/", views.store_panel, name="store_panel"),
    path("sw.js", views.service_worker, name="service_worker"),
    # Browsers ask for /favicon.ico whatever the page says: answered, not a 404 in the log.
    path("favicon.ico", views.favicon),
    path("language/", views.language_set, name="language"),
    path("views/save/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/delete/", views.saved_view_remove, name="saved_view_remove"),
]

# Sign-in lives at the top level (settings.LOGIN_URL = "login").
auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
