from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "apps.portal"
    verbose_name = _("Portal shell")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.portal.lookups import lookups_register

        lookups_register()  # `__any_of` (one array parameter for a long list of keys)

        from apps.portal.preferences import remember_on_sign_in

        user_logged_in.connect(remember_on_sign_in, dispatch_uid="portal-locale-sign-in")
        if settings.USE_I18N:
            from apps.portal.catalogs import catalogs_prune

            catalogs_prune()
