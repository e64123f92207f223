from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "apps.portal"
    verbose_name = "Portal shell"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.portal.preferences import remember_on_sign_in

        user_logged_in.connect(remember_on_sign_in, dispatch_uid="portal-locale-sign-in")
