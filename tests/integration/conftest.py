"""Shared by the odoo_setup tests: the demo network's stores and running the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.organisation.demo_network import stores_with_warehouse_ids
from apps.organisation.models import Region, Store


@pytest.fixture
def demo_stores(db: None) -> list[Store]:
    region = Region.objects.create(code="ALL", name="All")
    return [Store.objects.create(region=region, code=store.code, name=store.name, odoo_warehouse_id=wh)
            for _, store, wh in stores_with_warehouse_ids()]


def setup(*args: str) -> tuple[int, str]:
    """`odoo_setup ARGS`: its exit code and everything it printed."""
    out = io.StringIO()
    try:
        call_command("odoo_setup", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()
