from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.audit.models import AuditEvent
from apps.organisation.models import RoleGrant, Store
from apps.organisation.roles import Action, Role
from apps.organisation.scope import can, regions_for, stores_for
from apps.organisation.services import role_grant, role_revoke
from tests.factories import Network


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_it_gives_anonymous_users_nothing(network: Network) -> None:
    for action in Action:
        assert codes(stores_for(AnonymousUser(), action)) == set()
        assert codes(regions_for(AnonymousUser(), action)) == set()


def test_it_limits_a_store_manager_to_the_own_store(network: Network) -> None:
    user = network.manager_a
    assert codes(stores_for(user, Action.VIEW)) == {"N01"}
    assert codes(stores_for(user, Action.OPERATE)) == {"N01"}
    assert codes(stores_for(user, Action.DECIDE)) == set()
    assert not can(user, Action.VIEW, network.store_b)
    assert not can(user, Action.VIEW, network.store_c)
    assert codes(regions_for(user, Action.VIEW)) == set()


def test_it_covers_every_store_of_a_regional_managers_region_and_nothing_outside(network: Network) -> None:
    user = network.regional_north
    for action in (Action.VIEW, Action.OPERATE, Action.DECIDE):
        assert codes(stores_for(user, action)) == {"N01", "N02"}
    assert codes(regions_for(user, Action.DECIDE)) == {"NORTH"}
    assert not can(user, Action.DECIDE, network.store_c)
    assert codes(stores_for(user, Action.ADMINISTER)) == set()


def test_it_covers_a_store_added_to_the_region_later(network: Network) -> None:
    Store.objects.create(region=network.north, code="N03", name="New")
    assert "N03" in codes(stores_for(network.regional_north, Action.DECIDE))
    assert "N03" not in codes(stores_for(network.manager_a, Action.VIEW))


def test_it_gives_hq_the_whole_network_but_not_administration(network: Network) -> None:
    assert codes(stores_for(network.hq, Action.VIEW)) == {"N01", "N02", "S01", "S02"}
    assert codes(stores_for(network.hq, Action.DECIDE)) == {"N01", "N02", "S01", "S02"}
    assert codes(stores_for(network.hq, Action.ADMINISTER)) == set()


def test_it_gives_operations_the_network_to_view_and_administer_but_not_decide(network: Network) -> None:
    assert codes(stores_for(network.ops, Action.VIEW)) == {"N01", "N02", "S01", "S02"}
    assert codes(stores_for(network.ops, Action.ADMINISTER)) == {"N01", "N02", "S01", "S02"}
    assert codes(stores_for(network.ops, Action.DECIDE)) == set()
    network.ops.refresh_from_db()
    assert network.ops.is_staff


def test_it_hides_inactive_stores_and_users(network: Network) -> None:
    network.store_b.active = False
    network.store_b.save()
    assert codes(stores_for(network.regional_north, Action.VIEW)) == {"N01"}
    network.manager_a.is_active = False
    network.manager_a.save()
    assert codes(stores_for(network.manager_a, Action.VIEW)) == set()


def test_it_gives_a_signed_in_user_without_a_role_nothing(network: Network) -> None:
    for action in Action:
        assert codes(stores_for(network.nobody, action)) == set()


def test_it_scopes_through_the_store_queryset_method(network: Network) -> None:
    assert codes(Store.objects.for_user(network.manager_c, Action.VIEW)) == {"S01"}


def test_it_audits_grants_and_revokes_and_removes_the_rights(network: Network) -> None:
    grant = role_grant(user=network.nobody, role=Role.STORE_MANAGER, store=network.store_d, granted_by=network.ops)
    assert codes(stores_for(network.nobody, Action.VIEW)) == {"S02"}
    event = AuditEvent.objects.get(action="role.granted", object_id=str(grant.pk))
    assert event.actor == network.ops
    assert event.after["store"] == "S02"
    role_revoke(grant=grant, revoked_by=network.ops)
    assert codes(stores_for(network.nobody, Action.VIEW)) == set()
    assert AuditEvent.objects.filter(action="role.revoked", before__store="S02").count() == 1
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()


def test_it_refuses_a_store_manager_grant_without_a_store(network: Network) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        role_grant(user=network.nobody, role=Role.STORE_MANAGER, region=network.north)


def test_it_keeps_the_audit_trail_append_only(network: Network) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(message="changed")


def test_it_changes_nothing_when_a_held_role_is_granted_again(network: Network) -> None:
    before = AuditEvent.objects.count()
    first = RoleGrant.objects.get(user=network.manager_a)
    again = role_grant(user=network.manager_a, role=Role.STORE_MANAGER, store=network.store_a)
    assert again.pk == first.pk
    assert AuditEvent.objects.count() == before
