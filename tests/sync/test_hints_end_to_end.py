"""Odoo's own webhook hints, end to end: rules installed over RPC, the sandbox posts to the running
portal, the portal refetches the record by id and closes it in the mirror without waiting to poll."""

from __future__ import annotations

import time

import pytest

from apps.organisation.models import Region, Store
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, MirrorRecord, WebhookRejection
from apps.sync.webhooks import webhook_rules_install, webhook_rules_present

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(check, timeout: float = 8.0) -> bool:  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError:  # SQLite's shared test database is briefly locked by the server thread
            pass
        time.sleep(0.1)
    return False


@pytest.fixture
def eager_tasks():  # type: ignore[no-untyped-def]
    """The refetch task runs inline in the server thread, as a worker would run it. Celery reads its
    configuration once, so the running app's setting is changed, not Django's."""
    from controltower.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_it_closes_a_record_from_an_odoo_hint_without_polling(live_server, odoo, odoo_server, eager_tasks) -> None:
    from django.core.cache import cache

    cache.clear()  # no refetch left "scheduled" by an earlier test
    region = Region.objects.create(code="N", name="North")
    Store.objects.create(region=region, code="N01", name="Leeds", odoo_warehouse_id=2)
    feeds_ensure()
    Feed.objects.exclude(slug="purchase-orders").update(enabled=False)  # one feed: hints for it alone
    purchase = Feed.objects.get(slug="purchase-orders")
    assert feed_sync(purchase, gateway=odoo).status == "ok"
    report = webhook_rules_install(base_url=live_server.url, gateway=odoo)
    assert "purchase.order: rule created" in report
    assert webhook_rules_present(gateway=odoo)["purchase.order"] is True
    again = webhook_rules_install(base_url=live_server.url, gateway=odoo)
    assert "purchase.order: rule present, target updated" in again
    assert not any("created" in line for line in again)  # installing twice changes nothing

    order = MirrorRecord.objects.filter(feed=purchase).open().first()
    assert order is not None
    odoo_server.execute("admin", "purchase.order", "button_approve", [[order.odoo_id]])

    assert wait_for(lambda: MirrorRecord.objects.get(pk=order.pk).closed_at is not None)
    order.refresh_from_db()
    assert order.values["state"] == "purchase"
    assert order.close_reason == "left_domain"
    assert not WebhookRejection.objects.exists()
    purchase.refresh_from_db()
    assert purchase.cursor_write_date is not None  # the hint refetch never moved the cursor forward itself
