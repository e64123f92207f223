"""The demo's Odoo (`odoo_sandbox --calm-health`, as run_demo starts it) shows the health feature with
one degraded signal, a bounced e-mail, instead of a permanently failing Odoo; the simulator leaves its
jobs and e-mails alone. The plain sandbox keeps its failing jobs for the health rules' own tests."""

from __future__ import annotations

import pytest

from apps.health.models import HealthSignal, SignalStatus
from apps.health.services import health_check_odoo
from apps.odoo_sandbox.testing import running_sandbox
from apps.sync.feeds import feeds_ensure
from apps.sync.webhooks import webhook_rules_install
from tests.odoo_ready import admin_gateway

pytestmark = pytest.mark.django_db


def test_the_demo_odoo_has_one_degraded_signal_and_nothing_failing() -> None:
    feeds_ensure()
    with running_sandbox(calm_health=True, simulate=None) as server:
        gateway = admin_gateway(server)
        # As run_demo does, but to a port nobody listens on: a demo running on this machine's 8000 must
        # not receive this test's hints (it would refuse their token and count them as rejected).
        webhook_rules_install(base_url="http://127.0.0.1:9", gateway=gateway)
        for _ in range(30):  # the simulator's own moves never touch health in the demo
            server.simulator.step()
        health_check_odoo(gateway=gateway)
        gateway.close()
    not_ok = dict(HealthSignal.objects.exclude(status=SignalStatus.OK).values_list("key", "status"))
    assert not_ok == {"odoo.mail": SignalStatus.DEGRADED}
    assert "1 " in HealthSignal.objects.get(key="odoo.mail").detail


def test_the_plain_sandbox_still_has_failing_jobs() -> None:
    with running_sandbox() as server:
        gateway = admin_gateway(server)
        health_check_odoo(gateway=gateway)
        gateway.close()
    assert HealthSignal.objects.filter(key__startswith="odoo.cron.", status=SignalStatus.FAILING).count() == 2
