"""Telling people: in-app notifications (the bell), each person's choice of channel per kind, and the
morning digest's bookkeeping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.organisation.roles import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class NotificationKind(models.TextChoices):
    APPROVAL_ASSIGNED = "approval_assigned", _("New approvals for me")
    APPROVAL_REMINDER = "approval_reminder", _("Approval reminders and deadlines")
    ESCALATION = "escalation", _("Escalations")
    WRITEBACK_PROBLEM = "writeback_problem", _("Write-back failures and conflicts")
    INCIDENT_STATUS = "incident_status", _("Incident status changes at my stores")
    DIRECTIVE = "directive", _("Store directives: reminders and overdue stores")


class Channel(models.TextChoices):
    PORTAL = "portal", _("In the portal")
    EMAIL = "email", _("By e-mail")
    BOTH = "both", _("Both")


# What a person gets before they choose: what needs acting on now goes by e-mail too.
DEFAULT_CHANNELS: dict[str, str] = {
    NotificationKind.APPROVAL_ASSIGNED: Channel.PORTAL,
    NotificationKind.APPROVAL_REMINDER: Channel.BOTH,
    NotificationKind.ESCALATION: Channel.BOTH,
    NotificationKind.WRITEBACK_PROBLEM: Channel.BOTH,
    NotificationKind.INCIDENT_STATUS: Channel.PORTAL,
    NotificationKind.DIRECTIVE: Channel.BOTH,
}


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User | AnonymousUser) -> NotificationQuerySet:
        """A person's own notifications, and of those about a store only while the store is in their
        scope (the choke point): a revoked role takes its stores' notifications with it."""
        from apps.organisation.scope import stores_for

        if not user.is_authenticated or not user.is_active:
            return self.none()
        visible = stores_for(user, Action.VIEW).values("pk")
        return self.filter(Q(store__isnull=True) | Q(store__in=visible), user_id=user.pk)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices,
                            default=NotificationKind.APPROVAL_REMINDER)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True, help_text=_("A path inside the portal."))
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.user} · {self.subject}"


class NotificationSettings(models.Model):
    """One person's choices: the channel per kind (missing kinds: `DEFAULT_CHANNELS`), the morning
    digest, the local day of the last digest sent, and how the portal speaks to them: their language
    (empty: their Odoo user's, else the browser's) and time zone (empty: their store's for store
    managers, else the portal's), used on every page and in every e-mail (`apps.portal.preferences`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                primary_key=True, related_name="notification_settings")
    channels = models.JSONField(_("channels"), default=dict, blank=True)
    digest = models.BooleanField(_("digest"), default=True, help_text=_("The morning e-mail digest."))
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True,
                                 help_text=_("IANA name, e.g. Europe/Paris; empty: the "
                                                                      "store's for store managers, else the portal's."))
    language = models.CharField(_("language"), max_length=16, blank=True, choices=settings.LANGUAGES,
                                help_text=_("Empty: the linked Odoo user's language, else the browser's."))
    digest_sent_on = models.DateField(_("digest sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"

    def channel(self, kind: str) -> str:
        chosen = self.channels.get(kind) if isinstance(self.channels, dict) else None
        return chosen if chosen in Channel.values else DEFAULT_CHANNELS.get(kind, Channel.PORTAL)
