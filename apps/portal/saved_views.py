"""Saved views: a person names a list's filter set and opens it again with one click.

Only list parameters are kept (never a page cursor), each list's parser validates them again when
the view is opened, and every read and write is narrowed to the owner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from apps.portal.models import SavedView

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

# What a saved view may hold, per list: filters, search and sort (a page cursor goes stale).
KEPT = {
    "approvals": ("kind", "store", "min_amount", "max_amount", "overdue", "show", "q", "sort"),
    "incidents": ("show", "store", "manual", "q", "sort"),
}
MAX_VIEWS = 30


def remember_list_query(request: HttpRequest, key: str) -> None:
    """Keep the list's query in the session, so "back to the list" after opening an item restores it
    (written only when it changed: a live refresh of the same list costs no session write)."""
    query = request.GET.urlencode()[:2000]
    if request.session.get(key) != query:
        request.session[key] = query


def saved_views_for(user: User | AnonymousUser, list_name: str) -> list[SavedView]:
    if not user.is_authenticated:
        return []
    return list(SavedView.objects.filter(user_id=user.pk, list_name=list_name))


def saved_view_query(list_name: str, raw: str) -> str:
    """The list parameters of a query string, in a stable order; anything else is dropped."""
    params = QueryDict(raw[:2000])
    kept = QueryDict(mutable=True)
    for key in KEPT.get(list_name, ()):
        value = params.get(key, "").strip()
        if value:
            kept[key] = value[:200]
    return kept.urlencode()


@transaction.atomic
def saved_view_save(*, user: User, list_name: str, name: str, query: str) -> SavedView:
    """Save (or replace, by name) one of the person's views of a list."""
    name = " ".join(name.split())
    if list_name not in KEPT:
        raise ValidationError(_("Views can be saved for the approval inbox and the incident list only."))
    if not name or len(name) > 60:
        raise ValidationError(_("Give the view a name of 1 to 60 characters."))
    if SavedView.objects.filter(user=user, list_name=list_name).exclude(name=name).count() >= MAX_VIEWS:
        raise ValidationError(_("You can keep at most %(count)s views of a list; delete one first.")
                              % {"count": MAX_VIEWS})
    try:
        view, _created = SavedView.objects.update_or_create(user=user, list_name=list_name, name=name,
                                                     defaults={"query": saved_view_query(list_name, query)})
    except IntegrityError as exc:  # the same name saved twice at once
        raise ValidationError(_("A view with this name was just saved; try again.")) from exc
    return view


def saved_view_delete(*, user: User, pk: int) -> str:
    """Delete one of the person's own views; returns its list. Someone else's is "not found"."""
    view = SavedView.objects.filter(user_id=user.pk, pk=pk).first()
    if view is None:
        raise SavedView.DoesNotExist("No such saved view of yours.")
    view.delete()
    return view.list_name
