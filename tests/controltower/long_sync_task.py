"""A stand-in for a long first import, loaded into a real worker process with `--include`: it holds the
worker that consumes the sync queue until the test releases it, and says so through the broker's Redis
(the worker process shares nothing else with the test)."""

from __future__ import annotations

import time

import redis
from celery import current_app, shared_task

NAME = "sync.long_import_stand_in"  # routed by the `sync.*` rule, as every sync task is
STARTED, RELEASED = "ct-test:long-sync:started", "ct-test:long-sync:released"


@shared_task(name=NAME, ignore_result=True)
def long_import_stand_in(timeout: float = 60.0) -> None:
    client = redis.Redis.from_url(current_app.conf.broker_url)
    client.set(STARTED, "1")
    deadline = time.monotonic() + timeout
    while not client.exists(RELEASED) and time.monotonic() < deadline:
        time.sleep(0.05)
