"""Writes for regions, stores and role grants. Every grant and revoke is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from guardian.shortcuts import assign_perm, remove_perm

from apps.audit.services import audit_record
from apps.organisation.models import Region, RoleGrant, Store
from apps.organisation.roles import (
    GROUP_NAMES,
    OPERATIONS_ADMIN_MODEL_PERMS,
    ROLE_GROUP_PERMS,
    ROLE_REGION_PERMS,
    ROLE_STORE_PERMS,
    Role,
)
from apps.organisation.scope import scope_forget

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def _admin_model_perms() -> Q:
    """Operations' Django-admin permissions (`OPERATIONS_ADMIN_MODEL_PERMS`) as one filter."""
    wanted = Q(pk__in=[])
    for label, verbs in OPERATIONS_ADMIN_MODEL_PERMS.items():
        app_label, model = label.split(".")
        wanted |= Q(content_type__app_label=app_label, content_type__model=model,
                    codename__in=[f"{verb}_{model}" for verb in verbs])
    return wanted


def role_groups_ensure() -> dict[Role, Group]:
    """Create the role groups with their network-wide permissions, and give operations admins exactly
    the admin permissions of `OPERATIONS_ADMIN_MODEL_PERMS` (idempotent; run after every migrate, so a
    model added later or a permission taken out of the table is reflected on the next deploy)."""
    groups: dict[Role, Group] = {}
    for role, name in GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = Q(content_type__app_label="organisation", codename__in=ROLE_GROUP_PERMS[role])
        if role == Role.OPERATIONS_ADMIN:
            wanted |= _admin_model_perms()
        group.permissions.set(Permission.objects.filter(wanted))
        groups[role] = group
    return groups


def _apply_grant(grant: RoleGrant, *, add: bool) -> None:
    scope_forget()  # a scope this request read before the change is no longer true
    role = Role(grant.role)
    group = Group.objects.get_or_create(name=GROUP_NAMES[role])[0]
    user = grant.user
    change = assign_perm if add else remove_perm
    for codename in ROLE_STORE_PERMS.get(role, ()):
        change(f"organisation.{codename}", user, grant.store)
    for codename in ROLE_REGION_PERMS.get(role, ()):
        change(f"organisation.{codename}", user, grant.region)
    if add:
        user.groups.add(group)
    elif not RoleGrant.objects.filter(user=user, role=role).exclude(pk=grant.pk).exists():
        user.groups.remove(group)
    if role == Role.OPERATIONS_ADMIN:
        # Operations work in the Django admin; staff status follows the role.
        user.is_staff = add or user.is_superuser
        user.save(update_fields=["is_staff"])


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: Role,
    store: Store | None = None,
    region: Region | None = None,
    granted_by: User | None = None,
    request: HttpRequest | None = None,
) -> RoleGrant:
    """Give `user` a role where it applies; granting what is already held changes nothing."""
    existing = RoleGrant.objects.filter(user=user, role=role, store=store, region=region).first()
    if existing is not None:
        return existing
    grant = RoleGrant(user=user, role=role, store=store, region=region, granted_by=granted_by)
    grant.full_clean(exclude=["granted_by"], validate_unique=False, validate_constraints=False)
    grant.save()
    _apply_grant(grant, add=True)
    audit_record(action="role.granted", target=grant, actor=granted_by, store=store, request=request,
                 after={"user": user.get_username(), "role": role.value,
                        "store": store.code if store else None, "region": region.code if region else None})
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, revoked_by: User | None = None,
                request: HttpRequest | None = None) -> None:
    """Take a role away: the guardian permissions go with the grant row."""
    _apply_grant(grant, add=False)
    audit_record(action="role.revoked", target=grant, actor=revoked_by, store=grant.store, request=request,
                 before={"user": grant.user.get_username(), "role": grant.role,
                         "store": grant.store.code if grant.store else None,
                         "region": grant.region.code if grant.region else None})
    grant.delete()
