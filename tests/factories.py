"""Test data builders: two regions of two stores, and people holding each role."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from apps.organisation.models import Region, Store
from apps.organisation.roles import Role
from apps.organisation.services import role_grant

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_user(username: str | None = None) -> AbstractUser:
    user = get_user_model().objects.create_user(username=username or f"person{next(_seq)}", password=PASSWORD)
    return user  # type: ignore[return-value]


def make_region(code: str) -> Region:
    return Region.objects.create(code=code, name=code.title())


def make_store(region: Region, code: str, warehouse_id: int | None = None) -> Store:
    return Store.objects.create(region=region, code=code, name=f"Store {code}", odoo_warehouse_id=warehouse_id)


@dataclass
class Network:
    north: Region
    south: Region
    store_a: Store  # north
    store_b: Store  # north
    store_c: Store  # south
    store_d: Store  # south
    manager_a: AbstractUser  # store manager of A
    manager_c: AbstractUser  # store manager of C
    regional_north: AbstractUser
    regional_south: AbstractUser
    hq: AbstractUser
    ops: AbstractUser
    nobody: AbstractUser  # signed in, no role


def make_network() -> Network:
    north, south = make_region("NORTH"), make_region("SOUTH")
    a, b = make_store(north, "N01", 2), make_store(north, "N02", 3)
    c, d = make_store(south, "S01", 10), make_store(south, "S02", 11)
    people = {name: make_user(name) for name in
              ("manager_a", "manager_c", "regional_north", "regional_south", "hq", "ops", "nobody")}
    role_grant(user=people["manager_a"], role=Role.STORE_MANAGER, store=a)
    role_grant(user=people["manager_c"], role=Role.STORE_MANAGER, store=c)
    role_grant(user=people["regional_north"], role=Role.REGIONAL_MANAGER, region=north)
    role_grant(user=people["regional_south"], role=Role.REGIONAL_MANAGER, region=south)
    role_grant(user=people["hq"], role=Role.HQ_EXECUTIVE)
    role_grant(user=people["ops"], role=Role.OPERATIONS_ADMIN)
    return Network(north=north, south=south, store_a=a, store_b=b, store_c=c, store_d=d,
                   **people)  # type: ignore[arg-type]
