from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "apps.live"
    verbose_name = _("Live updates")

    def ready(self) -> None:
        """Open connections hear about sign-outs and scope changes: grants, accounts, stores moved
        or closed (the only signals used: they send a notice after commit and hold no business rule)."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_delete, post_save, pre_save

        from apps.live import registry
        from apps.live.broadcast import (
            scope_changed_on_account,
            scope_changed_on_grant,
            scope_changed_on_store,
            session_closed_on_logout,
            store_before_save,
        )
        from apps.organisation.models import RoleGrant, Store
        from controltower.registries import registry_install

        registry_install(registry)  # live notices from domain events

        user_logged_out.connect(session_closed_on_logout, dispatch_uid="live.session_closed")
        post_save.connect(scope_changed_on_grant, sender=RoleGrant, dispatch_uid="live.grant_saved")
        post_delete.connect(scope_changed_on_grant, sender=RoleGrant, dispatch_uid="live.grant_deleted")
        post_save.connect(scope_changed_on_account, sender=get_user_model(), dispatch_uid="live.account_saved")
        pre_save.connect(store_before_save, sender=Store, dispatch_uid="live.store_saving")
        post_save.connect(scope_changed_on_store, sender=Store, dispatch_uid="live.store_saved")
