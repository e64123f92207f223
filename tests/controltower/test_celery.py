from __future__ import annotations

from controltower.celery import app, collected_beat_schedule


def test_it_collects_every_apps_periodic_tasks() -> None:
    schedule = collected_beat_schedule()
    assert schedule["sync-feeds"]["task"] == "sync.sync_all_feeds"
    assert schedule["reconcile-feeds"]["task"] == "sync.reconcile_all_feeds"
    assert schedule["dispatch-writebacks"]["task"] == "writeback.dispatch"
    app.loader.import_default_modules()
    for entry in schedule.values():
        assert entry["task"] in app.tasks, entry["task"]
