"""Links into Odoo: one builder, one style setting, used by every page that links to a record."""

from __future__ import annotations

from typing import Any

import pytest

from apps.approvals.models import ApprovalRequest
from apps.health.models import HealthSignal
from apps.incidents.models import StoreIncident
from apps.odoo_gateway.links import odoo_link, odoo_list_path, odoo_record_path, odoo_record_url
from apps.operations.models import OpsException


def test_the_odoo_style_links_to_the_record_path(settings: Any) -> None:
    settings.ODOO_URL, settings.ODOO_LINK_STYLE = "https://erp.example.com/", "odoo"
    assert odoo_record_url("purchase.order", 7) == "https://erp.example.com/odoo/purchase.order/7"


def test_the_web_style_links_to_the_legacy_hash_url(settings: Any) -> None:
    settings.ODOO_URL, settings.ODOO_LINK_STYLE = "https://erp.example.com", "web"
    assert odoo_record_url("project.task", 9) == "https://erp.example.com/web#id=9&model=project.task&view_type=form"
    assert odoo_link(odoo_list_path("mail.mail")) == "https://erp.example.com/web#model=mail.mail&view_type=list"


def test_no_link_without_an_odoo_url_or_a_record_id(settings: Any) -> None:
    settings.ODOO_URL = "https://erp.example.com"
    assert odoo_record_url("project.task", None) == ""
    settings.ODOO_URL = ""
    assert odoo_record_url("project.task", 9) == ""
    assert odoo_link("/web#model=mail.mail&view_type=list") == ""


@pytest.mark.parametrize("style", ["odoo", "web"])
def test_every_model_that_links_to_odoo_follows_the_setting(settings: Any, style: str) -> None:
    settings.ODOO_URL, settings.ODOO_LINK_STYLE = "https://erp.example.com", style
    expected = f"https://erp.example.com{odoo_record_path('stock.quant', 5)}"
    assert ApprovalRequest(odoo_model="stock.quant", odoo_id=5).odoo_url == expected
    assert StoreIncident(odoo_model="stock.quant", odoo_id=5).odoo_url == expected
    assert OpsException(odoo_model="stock.quant", odoo_id=5).odoo_url == expected
    assert HealthSignal(odoo_path=odoo_record_path("stock.quant", 5)).odoo_url == expected


@pytest.mark.parametrize(("environment", "style"), [
    ({}, "odoo"),
    ({"CT_APPROVAL_ODOO_LINK_STYLE": "web"}, "web"),  # the older name keeps working
])
def test_the_style_comes_from_the_environment(environment: dict[str, str], style: str) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.endswith("ODOO_LINK_STYLE")}
    code = "import django; django.setup(); from django.conf import settings; print(settings.ODOO_LINK_STYLE)"
    result = subprocess.run([sys.executable, "-c", code], env={**env, **environment, "DJANGO_SETTINGS_MODULE":
                            "controltower.settings"}, capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip().splitlines()[-1] == style
