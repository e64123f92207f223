"""Sync runs are kept for CT_SYNC_RUN_HISTORY_DAYS: one run per feed every CT_SYNC_INTERVAL would
otherwise grow the table by about 23,000 rows a day, forever."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.sync import conf, services
from apps.sync.models import Feed, RunKind, RunStatus, SyncRun
from controltower.celery import collected_beat_schedule

pytestmark = pytest.mark.django_db


def _run(feed: Feed, days_ago: float, status: str = RunStatus.OK) -> SyncRun:
    run = SyncRun.objects.create(feed=feed, kind=RunKind.INCREMENTAL, status=status)
    SyncRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(days=days_ago))
    return run


def test_old_finished_runs_go_and_what_a_feed_still_needs_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "RUN_HISTORY_DAYS", 30)
    monkeypatch.setattr(services, "PRUNE_CHUNK", 2)  # several chunks
    tasks, refunds, expenses = (Feed.objects.get(slug=slug) for slug in
                                ("incident-tasks", "customer-refunds", "expense-reports"))
    old = [_run(tasks, 40 + n) for n in range(5)] + [_run(tasks, 31, RunStatus.FAILED)]
    recent = _run(tasks, 29)
    hung = _run(tasks, 45, RunStatus.RUNNING)  # never closed: left for a person to look at
    leased = _run(refunds, 60)
    Feed.objects.filter(pk=refunds.pk).update(lease_run=leased, lease_expires_at=timezone.now())
    older_of_quiet_feed, latest_of_quiet_feed = _run(expenses, 90), _run(expenses, 80)

    assert services.runs_prune() == len(old) + 1

    assert set(SyncRun.objects.values_list("pk", flat=True)) == {recent.pk, hung.pk, leased.pk,
                                                                  latest_of_quiet_feed.pk}
    assert not SyncRun.objects.filter(pk=older_of_quiet_feed.pk).exists()
    assert Feed.objects.get(pk=refunds.pk).lease_run_id == leased.pk
    assert services.runs_prune() == 0  # nothing left to prune


def test_the_scheduler_prunes_every_hour_on_the_sync_queue() -> None:
    from controltower.queues import TASK_ROUTES

    entry = collected_beat_schedule()["prune-sync-runs"]
    assert entry["task"] == "sync.prune_runs"
    assert entry["schedule"] == 3600.0
    assert TASK_ROUTES["sync.*"] == {"queue": "sync"}
