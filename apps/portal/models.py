"""The portal shell's own records: a person's saved views of a list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A name for a filter set of one list ("North overdue POs"), for its owner only.

    The query is kept as parameters and applied like any other request's, through the list's own
    parsing and the scope choke point: a saved view never widens what its owner may see.
    """

    LISTS = (("approvals", "Approval inbox"), ("incidents", "Store incidents"))

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="saved_views")
    list_name = models.CharField(_("list name"), max_length=20, choices=LISTS)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=1000, blank=True,
                             help_text=_("The list's filters, search and sort."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "list_name", "name"], name="unique_saved_view_name")]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_list_name_display()})"
