"""The demo starts healthy but for one deliberate signal: seeded as `run_demo` seeds it (the demo
network, a calm sandbox made ready by `demo_odoo_prepare`: odoo_setup with the hint rules, the main
warehouse declared no store, the store set on the seeded documents), synced once and checked, the
health page has exactly one degraded signal, Odoo's bounced e-mail, and nothing failing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

from apps.health.models import HealthSignal, SignalStatus
from apps.health.services import health_check_odoo, health_check_portal, heartbeat_record
from apps.integration.selectors import unassigned_count
from apps.odoo_gateway import get_gateway, reset_gateway
from apps.organisation.demo import demo_network_seed
from apps.portal.demo import demo_environment_defaults, demo_odoo_prepare
from apps.sync.engine import feed_sync
from apps.sync.models import Feed

pytestmark = pytest.mark.django_db
CLOSED_PORT = "http://127.0.0.1:9"  # nobody listens: the rules' hints are refused at once


@pytest.fixture
def calm_odoo(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from apps.odoo_sandbox.testing import running_sandbox

    monkeypatch.delenv("CT_ODOO_WAREHOUSES_NOT_STORES", raising=False)
    demo: dict[str, str] = {}
    demo_environment_defaults(demo)
    for name, value in demo.items():
        monkeypatch.setenv(name, value)
    with running_sandbox(calm_health=True) as server:
        settings.ODOO_URL, settings.ODOO_DB = server.url, server.db
        settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
        settings.ODOO_TRANSPORT = "auto"
        reset_gateway()
        yield server
        reset_gateway()


def test_the_demo_seed_has_one_degraded_signal(calm_odoo: Any) -> None:
    demo_network_seed(password_for=lambda username: f"{username}-pw-123")
    out = io.StringIO()
    assert demo_odoo_prepare(site_url=CLOSED_PORT, out=out) > 100
    assert "rule created" in out.getvalue()
    assert out.getvalue().index("Store set on") < out.getvalue().index("rule created")  # no burst of hints
    gateway = get_gateway()
    for feed in Feed.objects.filter(enabled=True).order_by("slug"):
        run = feed_sync(feed, gateway=gateway)
        assert run.status == "ok", (feed.slug, run.error)
    heartbeat_record(worker="celery@demo")  # what the worker does every 15 s
    health_check_odoo(gateway=gateway)
    health_check_portal()

    unhealthy = {s.key: (s.status, s.detail) for s in HealthSignal.objects.exclude(status=SignalStatus.OK)}
    assert list(unhealthy) == ["odoo.mail"], unhealthy
    assert unhealthy["odoo.mail"][0] == SignalStatus.DEGRADED
    assert unassigned_count() == 0  # the main warehouse's receipts are nobody's, not unassigned
    readiness = HealthSignal.objects.get(key="odoo.readiness")
    assert "no store (WH)" in readiness.detail or readiness.status == SignalStatus.OK
