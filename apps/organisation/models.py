"""Regions, stores and the role grants that scope every person's view of them."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.organisation.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from apps.organisation.roles import Action


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London).")


class Region(models.Model):
    """A group of stores run by one regional manager. Regions exist only in the portal."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_region", "Decide and override for the region's stores"),
            ("view_network", "See every store in the network"),
            ("decide_network", "Decide and override for every store"),
            ("administer_portal", "Configure the portal and replay write-backs"),
        ]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class StoreQuerySet(models.QuerySet["Store"]):
    def for_user(self, user: User | AnonymousUser, action: Action) -> StoreQuerySet:
        """The stores `user` may perform `action` on: the one scope choke point (see `scope.py`)."""
        from apps.organisation.scope import stores_for

        return self.filter(pk__in=stores_for(user, action).values("pk"))


class Store(models.Model):
    """A shop. In Odoo it is a `stock.warehouse` of a company."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="stores")
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(_("timezone"), max_length=64, default="Europe/London", validators=[validate_timezone])
    odoo_warehouse_id = models.PositiveIntegerField(_("odoo warehouse id"), unique=True, null=True, blank=True,
                                                    help_text=_("The stock.warehouse id in Odoo."))
    odoo_company_id = models.PositiveIntegerField(_("odoo company id"), null=True, blank=True,
                                                  help_text=_("The res.company id in Odoo."))
    active = models.BooleanField(_("active"), default=True)

    objects = StoreQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        permissions = [("operate_store", "Act for the store: submit incidents, comment, acknowledge")]
        verbose_name = _("store")
        verbose_name_plural = _("stores")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RoleGrant(models.Model):
    """A role given to a person on a store, a region or the whole network.

    The row is what operations see and edit; the guardian permissions are derived from it by
    `apps.organisation.services`, so revoking the row revokes the rights.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    store = models.ForeignKey(Store, verbose_name=_("store"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="grants")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        ordering = ["user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "store"], condition=models.Q(store__isnull=False),
                                    name="unique_store_grant"),
            models.UniqueConstraint(fields=["user", "role", "region"], condition=models.Q(region__isnull=False),
                                    name="unique_region_grant"),
            models.UniqueConstraint(fields=["user", "role"],
                                    condition=models.Q(store__isnull=True, region__isnull=True),
                                    name="unique_network_grant"),
        ]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")

    def __str__(self) -> str:
        where = self.store or self.region or "network"
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        role = Role(self.role)
        if role == Role.STORE_MANAGER and (self.store is None or self.region is not None):
            raise ValidationError(gettext("A store manager is granted on one store."))
        if role == Role.REGIONAL_MANAGER and (self.region is None or self.store is not None):
            raise ValidationError(gettext("A regional manager is granted on one region."))
        if role in (Role.HQ_EXECUTIVE, Role.OPERATIONS_ADMIN) and (self.store or self.region):
            raise ValidationError(gettext("A %(role)s is granted on the whole network.")
                                  % {"role": str(role.label).lower()})


class StoreGroup(models.Model):
    """A named set of stores across regions ("Flagships", "Airport stores") that directives can target.

    A group is a label, not a scope: it grants nobody anything, and a regional manager may only target
    a group whose stores are all in their region (`apps.directives.services.draft_check`).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    stores = models.ManyToManyField(Store, verbose_name=_("stores"), blank=True, related_name="groups")

    class Meta:
        ordering = ["name"]
        verbose_name = _("store group")
        verbose_name_plural = _("store groups")

    def __str__(self) -> str:
        return self.name
