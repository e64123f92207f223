"""What the navigation offers, per role. Apps add their entries here as they land.

An entry is shown only to people who may use it; the views still check on their own, so hiding a
link is convenience, not security.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from apps.organisation.roles import Action
from apps.organisation.scope import any_region, any_store, has_network_scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser


@dataclass(frozen=True)
class NavItem:
    label: StrOrPromise
    url_name: str
    visible: Callable[[Person], bool]


def _fact(user: Person, name: str, ask: Callable[[], bool]) -> bool:
    """Each fact about a person is asked of the database once per request (rules share facts)."""
    facts: dict[str, bool] = user.__dict__.setdefault("_navigation_facts", {})
    if name not in facts:
        facts[name] = ask()
    return facts[name]


def sees_stores(user: Person) -> bool:
    return _fact(user, "any_store", lambda: any_store(user, Action.VIEW))


def decides(user: Person) -> bool:
    return _fact(user, "decides", lambda: any_region(user, Action.DECIDE))


def beyond_store(user: Person) -> bool:
    """Regions or the network: approvals, the exceptions queue and the API are for these people. A
    store's people act on their exceptions from the store home."""
    return decides(user) or sees_network(user)


def store_only(user: Person) -> bool:
    """People whose roles are all store roles: their home is the store app (`/store/`)."""
    # Beyond the store first: the navigation asks it anyway, and it spares a regional or HQ person's
    # request the question of the stores they operate.
    return not beyond_store(user) and _fact(user, "operates", lambda: any_store(user, Action.OPERATE))


def administers(user: Person) -> bool:
    return has_network_scope(user, Action.ADMINISTER)


def sees_network(user: Person) -> bool:
    return has_network_scope(user, Action.VIEW)


NAV_ITEMS: list[NavItem] = [
    NavItem(_("Home"), "portal:home", sees_stores),
    NavItem(_("Report an incident"), "incidents:new", store_only),
    NavItem(_("Dashboard"), "dashboards:home", sees_stores),
    NavItem(_("Incidents"), "incidents:list", sees_stores),
    NavItem(_("Approvals"), "approvals:inbox", beyond_store),
    NavItem(_("Directives"), "directives:list", sees_stores),
    NavItem(_("Audit"), "audit:events", sees_network),
    NavItem(_("Exceptions"), "operations:list", beyond_store),
    NavItem(_("Health"), "health:page", sees_network),
    NavItem(_("API & webhooks"), "api:tokens", beyond_store),
]


def nav_for(user: Person) -> list[NavItem]:
    """Entries the user may use. Each visibility rule is asked once, however many entries share it."""
    if not user.is_authenticated:
        return []
    answers: dict[Callable[[Person], bool], bool] = {}
    shown = []
    for item in NAV_ITEMS:
        if item.visible not in answers:
            answers[item.visible] = item.visible(user)
        if answers[item.visible]:
            shown.append(item)
    return shown
