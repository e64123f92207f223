"""API tokens and the service accounts they may act for.

A token always acts as one user and can never do more than that user: its rights are the user's
roles, narrowed by the token's own limits (read-only, some stores or regions, an expiry). Only a
SHA-256 digest of the secret is kept; the visible prefix finds the row without revealing anything.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal")
    SERVICE = "service", _("Service")


class TokenAccess(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ServiceAccount(models.Model):
    """A user that is a machine (n8n, a BI tool): it never signs in with a password, its rights are
    role grants like anyone's, and operations mint its tokens. Tokens for real people are personal
    only, so nobody can act in another person's name."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="service_account")
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("service account")
        verbose_name_plural = _("service accounts")

    def __str__(self) -> str:
        return self.user.get_username()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """One credential for the REST API (`Authorization: Bearer ct_<prefix>_<secret>`)."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. 'n8n approvals flow'."))
    kind = models.CharField(_("kind"), max_length=16, choices=TokenKind.choices, default=TokenKind.PERSONAL)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="api_tokens", help_text=_("Who the token acts as."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(_("digest"), max_length=64, editable=False, help_text=_("SHA-256 of the secret part."))
    access = models.CharField(_("access"), max_length=16, choices=TokenAccess.choices, default=TokenAccess.READ)
    stores = models.ManyToManyField("organisation.Store", verbose_name=_("stores"), blank=True, related_name="+",
                                    help_text=_("Limit to these stores (with the regions below); empty: no limit."))
    regions = models.ManyToManyField("organisation.Region", verbose_name=_("regions"), blank=True, related_name="+",
                                     help_text=_("Limit to these regions' stores; empty: no limit."))
    limited = models.BooleanField(_("limited"), default=False, editable=False,
                                  help_text=_("Set when stores or regions limit the token (saves a query per call)."))
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used ip"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} (ct_{self.prefix}_…)"

    @property
    def display(self) -> str:
        """What may be shown of a token: its prefix only."""
        return f"ct_{self.prefix}_…"

    @property
    def read_only(self) -> bool:
        return self.access == TokenAccess.READ

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def state(self) -> str:
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired else "active"
