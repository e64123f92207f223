"""What a live connection may listen to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.live.broadcast import NETWORK_GROUP, store_group, user_group
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def live_groups_for(user: User | AnonymousUser) -> list[str]:
    """The channel groups the user's scope allows: network-wide, or one per store in scope."""
    if not user.is_authenticated:
        return []
    groups = [user_group(user.pk)]
    if has_network_scope(user, Action.VIEW):
        groups.append(NETWORK_GROUP)
    else:
        groups.extend(store_group(pk) for pk in stores_for(user, Action.VIEW).values_list("pk", flat=True))
    return groups


def may_see_store(user: User | AnonymousUser, store_id: int | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if has_network_scope(user, Action.VIEW):
        return True
    return store_id is not None and stores_for(user, Action.VIEW).filter(pk=store_id).exists()
