"""The demo network in the portal: regions, stores and one person per role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from apps.organisation.demo_network import COMPANY_ID, REGIONS, STORE_GROUPS, stores_with_warehouse_ids
from apps.organisation.models import Region, Store, StoreGroup
from apps.organisation.roles import Role
from apps.organisation.services import role_grant, role_groups_ensure


@dataclass(frozen=True)
class DemoLogin:
    role_label: str
    username: str
    password: str
    scope: str


@transaction.atomic
def demo_network_seed(*, password_for: Callable[[str], str]) -> list[DemoLogin]:
    """Create or update the demo regions and stores, and a user per role with the given passwords."""
    role_groups_ensure()
    regions = {demo.code: Region.objects.update_or_create(code=demo.code, defaults={"name": demo.name})[0]
               for demo in REGIONS}
    for demo_region, demo_store, warehouse_id in stores_with_warehouse_ids():
        Store.objects.update_or_create(
            code=demo_store.code,
            defaults={"name": demo_store.name, "timezone": demo_store.timezone, "region": regions[demo_region.code],
                      "odoo_warehouse_id": warehouse_id, "odoo_company_id": COMPANY_ID},
        )
    for name, codes in STORE_GROUPS.items():
        group, _ = StoreGroup.objects.get_or_create(name=name)
        group.stores.set(Store.objects.filter(code__in=codes))
    first_region = regions[REGIONS[0].code]
    first_store = Store.objects.get(code=REGIONS[0].stores[0].code)
    people: list[tuple[Role, str, dict[str, Any], str]] = [
        (Role.STORE_MANAGER, "store.manager", {"store": first_store}, str(first_store)),
        (Role.REGIONAL_MANAGER, "regional.manager", {"region": first_region}, f"region {first_region}"),
        (Role.HQ_EXECUTIVE, "hq.executive", {}, "whole network"),
        (Role.OPERATIONS_ADMIN, "ops.admin", {}, "whole network, Django admin"),
    ]
    logins = []
    user_model = get_user_model()
    for role, username, where, scope in people:
        user, _ = user_model.objects.get_or_create(username=username)
        password = password_for(username)
        user.set_password(password)
        user.save()
        role_grant(user=user, role=role, **where)
        logins.append(DemoLogin(role_label=role.label, username=username, password=password, scope=scope))
    return logins
