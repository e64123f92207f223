"""Health rules: Odoo's scheduled actions, emails and webhook rules read from the sandbox, and the
portal's own machinery (heartbeat, sync lag and errors, outbox, hints, channel layer, queue)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.health.models import HealthEvent, HealthSignal, SignalStatus
from apps.health.services import health_check_odoo, health_check_portal, heartbeat_record
from apps.health.tasks import record_heartbeat
from apps.sync.engine import feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, PendingRefetch, RunStatus, WebhookRejection
from apps.sync.webhooks import RULE_NAME, webhook_rules_install
from apps.writeback.models import WriteBack, WriteBackStatus
from tests.odoo_versions import EVERY_ODOO

pytestmark = pytest.mark.django_db
ALL = {"active_test": False}


@pytest.fixture
def ready(network, odoo):  # type: ignore[no-untyped-def]
    feeds_ensure()
    return network


def signal(key: str) -> HealthSignal:
    return HealthSignal.objects.get(key=key)


def transitions(key: str) -> list[tuple[str, str]]:
    return list(HealthEvent.objects.filter(signal__key=key).order_by("pk").values_list("from_status", "to_status"))


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def healthy_cron(odoo, offset: int = 0) -> int:  # type: ignore[no-untyped-def]
    return odoo.search("ir.cron", [["active", "=", True], ["failure_count", "=", 0]], order="id asc")[offset]


@EVERY_ODOO
def test_it_reads_the_seeded_failing_crons_emails_and_missing_rules(ready, odoo) -> None:
    health_check_odoo(gateway=odoo)
    failing = odoo.search("ir.cron", [["failure_count", ">", 0]], context=ALL)
    healthy = odoo.search("ir.cron", [["failure_count", "=", 0], ["active", "=", True]])
    never_active = odoo.search("ir.cron", [["failure_count", "=", 0], ["active", "=", False]], context=ALL)
    assert failing
    assert healthy
    assert never_active
    assert {signal(f"odoo.cron.{c}").status for c in failing} == {SignalStatus.FAILING}
    assert {signal(f"odoo.cron.{c}").status for c in healthy} == {SignalStatus.OK}
    assert not HealthSignal.objects.filter(key__in=[f"odoo.cron.{c}" for c in never_active]).exists()
    assert signal(f"odoo.cron.{failing[0]}").rule == "failure_count > 0 → failing"
    mail = signal("odoo.mail")
    assert mail.status == SignalStatus.DEGRADED
    assert mail.value == odoo.search_count("mail.mail", [["state", "=", "exception"]])
    assert "Connection refused" in mail.detail
    rules = signal("odoo.webhook-rules")
    assert rules.status == SignalStatus.DEGRADED
    assert "purchase.order" in rules.data["missing"]
    assert signal("odoo.connection").status == SignalStatus.OK
    assert signal("odoo.api").status == SignalStatus.OK  # JSON-RPC on 18; JSON-2 with its key on 19


def test_it_turns_a_cron_red_when_it_fails_in_odoo_and_green_when_it_recovers(ready, odoo, odoo_server) -> None:
    health_check_odoo(gateway=odoo)
    cron = healthy_cron(odoo)
    key = f"odoo.cron.{cron}"
    assert signal(key).status == SignalStatus.OK
    odoo_server.execute("admin", "ir.cron", "write", [[cron], {
        "failure_count": 2, "first_failure_date": stamp(timezone.now() - timedelta(hours=1))}])
    health_check_odoo(gateway=odoo)
    red = signal(key)
    assert red.status == SignalStatus.FAILING
    assert red.detail.startswith("2 consecutive failures since")
    odoo_server.execute("admin", "ir.cron", "write", [[cron], {"failure_count": 0, "first_failure_date": False}])
    health_check_odoo(gateway=odoo)
    assert signal(key).status == SignalStatus.OK
    assert transitions(key) == [("", "ok"), ("ok", "failing"), ("failing", "ok")]


def test_it_flags_deactivated_and_overdue_scheduled_actions(ready, odoo, odoo_server) -> None:
    health_check_odoo(gateway=odoo)
    stopped, late = healthy_cron(odoo, 1), healthy_cron(odoo, 2)
    nextcall = odoo.read("ir.cron", [late], ["nextcall"])[0]["nextcall"]
    odoo_server.execute("admin", "ir.cron", "write", [[stopped], {"active": False}])
    odoo_server.execute("admin", "ir.cron", "write", [[late], {"nextcall": stamp(timezone.now() - timedelta(hours=3))}])
    try:
        health_check_odoo(gateway=odoo)
        assert signal(f"odoo.cron.{stopped}").status == SignalStatus.DEGRADED
        assert "deactivated" in signal(f"odoo.cron.{stopped}").rule
        assert signal(f"odoo.cron.{late}").status == SignalStatus.DEGRADED
        assert "nextcall more than" in signal(f"odoo.cron.{late}").rule
    finally:
        odoo_server.execute("admin", "ir.cron", "write", [[stopped], {"active": True}])
        odoo_server.execute("admin", "ir.cron", "write", [[late], {"nextcall": nextcall}])


def test_it_turns_the_webhook_rules_green_once_installed(ready, odoo) -> None:
    health_check_odoo(gateway=odoo)
    assert signal("odoo.webhook-rules").status == SignalStatus.DEGRADED
    webhook_rules_install(base_url="http://127.0.0.1:9", gateway=odoo)
    try:
        health_check_odoo(gateway=odoo)
        assert signal("odoo.webhook-rules").status == SignalStatus.OK
    finally:
        names = [RULE_NAME.format(model=m) for m in set(Feed.objects.values_list("odoo_model", flat=True))]
        odoo.call("base.automation", "unlink", odoo.search("base.automation", [["name", "in", names]]))
        odoo.call("ir.actions.server", "unlink", odoo.search("ir.actions.server", [["name", "in", names]]))


def test_it_marks_only_the_connection_failing_while_odoo_is_down(ready, odoo, odoo_server) -> None:
    health_check_odoo(gateway=odoo)
    crons = set(HealthSignal.objects.filter(key__startswith="odoo.cron.").values_list("key", "status"))
    odoo_server.faults.down = True
    health_check_odoo(gateway=odoo)
    odoo_server.faults.down = False
    assert signal("odoo.connection").status == SignalStatus.FAILING
    assert "OdooUnavailable" in signal("odoo.connection").detail
    assert set(HealthSignal.objects.filter(key__startswith="odoo.cron.", retired_at__isnull=True)
               .values_list("key", "status")) == crons


def test_it_turns_the_worker_red_when_its_heartbeat_stops(ready) -> None:
    health_check_portal()
    assert signal("worker.heartbeat").status == SignalStatus.FAILING  # no worker has ever reported
    record_heartbeat.apply()
    health_check_portal()
    assert signal("worker.heartbeat").status == SignalStatus.OK
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        health_check_portal()
    stopped = signal("worker.heartbeat")
    assert stopped.status == SignalStatus.FAILING
    assert stopped.rule == "no heartbeat in the last 90 s on a queue → failing"
    heartbeat_record(worker="celery@second")
    health_check_portal()
    assert signal("worker.heartbeat").status == SignalStatus.OK
    assert transitions("worker.heartbeat") == [("", "failing"), ("failing", "ok"), ("ok", "failing"),
                                               ("failing", "ok")]


def test_it_turns_the_worker_red_when_one_queue_has_no_worker(ready, settings) -> None:
    from apps.health.models import WorkerHeartbeat

    for queue in settings.CELERY_QUEUE_NAMES:  # as the scheduled beats arrive: one per queue
        record_heartbeat.apply(kwargs={"queue": queue})
    health_check_portal()
    assert signal("worker.heartbeat").status == SignalStatus.OK
    assert set(WorkerHeartbeat.objects.values_list("queue", flat=True)) == set(settings.CELERY_QUEUE_NAMES)
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        # The worker of every other queue beats on; the decisions worker has died.
        for queue in settings.CELERY_QUEUE_NAMES:
            if queue != "decisions":
                heartbeat_record(worker="celery@rest", queue=queue)
        health_check_portal()
        silent = signal("worker.heartbeat")
        assert silent.status == SignalStatus.FAILING
        assert silent.detail.startswith("No worker on decisions.")
        heartbeat_record(worker="celery@decisions", queue="decisions")
        health_check_portal()
        assert signal("worker.heartbeat").status == SignalStatus.OK


def test_it_judges_each_feed_by_the_time_since_its_last_success_and_counts_errors(ready, odoo, odoo_server) -> None:
    feed = Feed.objects.get(slug="late-receipts")
    assert feed_sync(feed, gateway=odoo).status == RunStatus.OK
    health_check_portal()
    assert signal("sync.feed.late-receipts").status == SignalStatus.OK
    assert signal("sync.feed.purchase-orders").status == SignalStatus.DEGRADED  # never synced here
    assert signal("sync.errors").status == SignalStatus.OK
    with time_machine.travel(timezone.now() + timedelta(minutes=20), tick=False):
        health_check_portal()
    assert signal("sync.feed.late-receipts").status == SignalStatus.FAILING
    odoo_server.faults.down = True
    failed = feed_sync(feed, gateway=odoo)
    odoo_server.faults.down = False
    assert failed.status == RunStatus.FAILED
    health_check_portal()
    assert signal("sync.feed.late-receipts").status == SignalStatus.DEGRADED  # recent success, latest run failed
    assert signal("sync.errors").status == SignalStatus.DEGRADED
    assert "late-receipts" in signal("sync.errors").detail


def test_it_watches_outbox_depth_retries_and_dead_letters(ready) -> None:
    def writeback(status: str, n: int) -> None:
        WriteBack.objects.create(idempotency_key=f"health-{status}-{n}", kind="test", odoo_model="res.partner",
                                 odoo_id=1, status=status, store=ready.store_a)

    health_check_portal()
    assert {signal(k).status for k in ("outbox.depth", "outbox.retrying", "outbox.dead")} == {SignalStatus.OK}
    writeback(WriteBackStatus.QUEUED, 1)
    writeback(WriteBackStatus.RETRYING, 1)
    writeback(WriteBackStatus.DEAD, 1)
    health_check_portal()
    assert signal("outbox.depth").status == SignalStatus.OK
    assert signal("outbox.depth").value == 2
    assert signal("outbox.retrying").status == SignalStatus.DEGRADED
    dead = signal("outbox.dead")
    assert dead.status == SignalStatus.FAILING
    assert dead.action_url == "/admin/writeback/writeback/?status__exact=dead"
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        health_check_portal()
    assert signal("outbox.depth").status == SignalStatus.FAILING  # nothing has moved for an hour


def test_it_counts_webhook_hints_waiting_and_rejected(ready) -> None:
    health_check_portal()
    assert signal("hints.pending").status == signal("hints.rejected").status == SignalStatus.OK
    PendingRefetch.objects.create(odoo_model="purchase.order", odoo_id=7,
                                  hinted_at=timezone.now() - timedelta(minutes=5))
    WebhookRejection.objects.create(reason="bad_signature", detail="signature mismatch")
    health_check_portal()
    assert signal("hints.pending").status == SignalStatus.DEGRADED
    assert signal("hints.rejected").status == SignalStatus.DEGRADED
    assert signal("hints.rejected").value == 1


def test_it_probes_the_channel_layer_and_the_queue(ready, settings) -> None:
    health_check_portal()
    assert signal("live.channel-layer").status == SignalStatus.OK
    queue = signal("worker.queue")
    assert queue.value is not None
    assert queue.value >= 0
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                           "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}
    for _probe in range(3):  # judged over CT_HEALTH_PROBE_SAMPLES probes (tests/health/test_channel_probe.py)
        health_check_portal()
    assert signal("live.channel-layer").status == SignalStatus.FAILING


def test_it_runs_the_checks_and_the_heartbeat_as_scheduled_tasks(ready) -> None:
    from apps.health.tasks import check_health
    from controltower.celery import collected_beat_schedule

    schedule = collected_beat_schedule()
    for queue in ("decisions", "sync", "webhooks", "housekeeping"):  # each queue's worker reports
        assert schedule[f"health-heartbeat-{queue}"]["task"] == record_heartbeat.name
        assert schedule[f"health-heartbeat-{queue}"]["options"]["queue"] == queue
        assert schedule[f"health-heartbeat-{queue}"]["kwargs"] == {"queue": queue}  # the beat says its queue
    assert schedule["health-check"]["task"] == check_health.name
    check_health.apply()
    assert signal("odoo.connection").status == SignalStatus.OK
    assert signal("worker.odoo-checks").status == SignalStatus.OK
