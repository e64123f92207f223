"""The scope read once per request (`scope_remembered`): the same answers as the choke point read
afresh, one read per person and action, and a role change seen at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.incidents.models import StoreIncident
from apps.organisation.roles import Action, Role
from apps.organisation.scope import (
    any_region,
    any_store,
    can,
    regions_for,
    scope_remembered,
    store_ids,
    stores_for,
)
from apps.organisation.services import role_grant
from tests.factories import Network


def _answers(network: Network, user: Any) -> dict[str, Any]:
    stores = (network.store_a, network.store_b, network.store_c, network.store_d)
    found: dict[str, Any] = {}
    for action in Action:
        found[f"stores {action}"] = sorted(stores_for(user, action).values_list("code", flat=True))
        found[f"regions {action}"] = sorted(regions_for(user, action).values_list("code", flat=True))
        found[f"can {action}"] = [can(user, action, store) for store in stores]
        found[f"any store {action}"] = any_store(user, action)
        found[f"any region {action}"] = any_region(user, action)
        found[f"store ids {action}"] = sorted(store_ids(user, action))
        found[f"incidents {action}"] = sorted(StoreIncident.objects.for_user(user, action)
                                              .values_list("store__code", flat=True))
    return found


def test_it_answers_inside_a_request_as_the_choke_point_does_afresh(network: Network) -> None:
    for store in (network.store_a, network.store_c):
        StoreIncident.objects.create(store=store, title="Leak", category="facilities", urgency="medium",
                                     deadline=timezone.now())
    people = [network.manager_a, network.manager_c, network.regional_north, network.regional_south, network.hq,
              network.ops, network.nobody, AnonymousUser()]
    for user in people:
        afresh = _answers(network, user)
        with scope_remembered():
            assert _answers(network, user) == afresh, user
            assert _answers(network, user) == afresh, user  # asked a second time: from what was read


def test_it_reads_each_persons_scope_once_per_action(network: Network) -> None:
    user = network.regional_north
    with scope_remembered():
        with CaptureQueriesContext(connection) as first:
            assert can(user, Action.DECIDE, network.store_a)
        with CaptureQueriesContext(connection) as again:
            assert can(user, Action.DECIDE, network.store_b)
            assert not can(user, Action.DECIDE, network.store_c)
            assert any_store(user, Action.DECIDE)
            assert any_region(user, Action.DECIDE)
            assert store_ids(user, Action.DECIDE) == {network.store_a.pk, network.store_b.pk}
    assert len(first) >= 1
    assert len(again) == 1  # the regions the person manages: read once too, then known
    with CaptureQueriesContext(connection) as outside:
        assert can(user, Action.DECIDE, network.store_a)
        assert can(user, Action.DECIDE, network.store_b)
    assert len(outside) == 2  # outside a request nothing is remembered


def test_it_sees_a_role_granted_during_the_request(network: Network) -> None:
    with scope_remembered():
        assert not can(network.nobody, Action.VIEW, network.store_d)
        role_grant(user=network.nobody, role=Role.STORE_MANAGER, store=network.store_d, granted_by=network.ops)
        network.nobody.refresh_from_db()
        assert can(network.nobody, Action.VIEW, network.store_d)
        assert list(stores_for(network.nobody, Action.VIEW).values_list("code", flat=True)) == ["S02"]


def test_a_page_builds_the_permission_subquery_once_per_action(network: Network) -> None:
    """Before, each of the inbox's scoped queries carried its own django-guardian subquery."""
    client = Client()
    client.force_login(network.regional_north)
    client.get(reverse("approvals:inbox"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("approvals:inbox"))
    assert response.status_code == 200
    guardian = [q["sql"] for q in queries if "guardian_userobjectpermission" in q["sql"]]
    assert 1 <= len(guardian) <= 2, guardian  # the stores the person sees, and those they decide on
