from __future__ import annotations

from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "apps.live"
    verbose_name = "Live updates"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from apps.live.broadcast import session_closed_on_logout

        user_logged_out.connect(session_closed_on_logout, dispatch_uid="live.session_closed")
