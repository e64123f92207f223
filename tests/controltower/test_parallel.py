"""Parallel test runs: each xdist worker on a Redis database and a var folder of its own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.parallel import (
    WorkerEnvironmentError,
    redis_database,
    redis_url_on_database,
    worker_environment,
)


def test_it_reads_the_database_as_redis_py_does() -> None:
    assert redis_database("redis://127.0.0.1:6379") == 0
    assert redis_database("redis://127.0.0.1:6379/3") == 3
    assert redis_database("rediss://:pw@cache:6380/2?ssl_cert_reqs=none") == 2
    assert redis_database("redis://127.0.0.1:6379/3?db=5") == 5
    assert redis_database("unix:///run/redis.sock?db=4") == 4
    assert redis_database("unix:///run/redis.sock") == 0


def test_it_moves_each_worker_to_the_next_database() -> None:
    environ = {"REDIS_URL": "redis://:secret@127.0.0.1:6395/0"}
    urls = [worker_environment(number=n, worker_id=f"gw{n}", environ=environ, base_dir=Path("/srv/ct"))["REDIS_URL"]
            for n in range(3)]
    assert urls == ["redis://:secret@127.0.0.1:6395/1", "redis://:secret@127.0.0.1:6395/2",
                    "redis://:secret@127.0.0.1:6395/3"]
    assert redis_url_on_database("redis://cache:6379/3?db=3&health=1", 5) == "redis://cache:6379/5?health=1"
    assert redis_url_on_database("unix:///run/redis.sock?db=1", 2) == "unix:///run/redis.sock?db=2"


def test_it_refuses_a_worker_past_the_last_redis_database() -> None:
    with pytest.raises(WorkerEnvironmentError, match="CT_TEST_WORKERS"):
        worker_environment(number=1, worker_id="gw1", environ={"REDIS_URL": "redis://cache:6379/14"},
                           base_dir=Path("/srv/ct"))


def test_it_reads_a_redis_url_from_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "redis_url"
    secret.write_text("redis://cache:6379/0\n")
    changed = worker_environment(number=0, worker_id="gw0", environ={"REDIS_URL_FILE": str(secret)},
                                 base_dir=tmp_path)
    assert changed["REDIS_URL"] == "redis://cache:6379/1"
    assert changed["REDIS_URL_FILE"] == ""


def test_it_gives_each_worker_a_var_folder_and_leaves_redis_unset_without_it() -> None:
    embedded = worker_environment(number=1, worker_id="gw1", environ={}, base_dir=Path("/srv/ct"))
    assert embedded == {"CT_VAR_DIR": "/srv/ct/var/workers/gw1"}
    ci = worker_environment(number=0, worker_id="gw0", environ={"CT_VAR_DIR": "/srv/ct/var/ci",
                                                                "CT_MEDIA_ROOT": "/srv/media"}, base_dir=Path("/x"))
    assert ci == {"CT_VAR_DIR": "/srv/ct/var/ci/workers/gw0", "CT_MEDIA_ROOT": "/srv/media/gw0"}


@pytest.mark.skipif("PYTEST_XDIST_WORKER" not in os.environ, reason="runs in a parallel run (make test)")
def test_it_runs_this_worker_on_its_own_redis_database_and_folder() -> None:
    worker = os.environ["PYTEST_XDIST_WORKER"]
    assert settings.VAR_DIR.parts[-2:] == ("workers", worker)
    if settings.REDIS_URL:
        database = redis_database(settings.REDIS_URL)
        assert database >= int(worker.removeprefix("gw")) + 1
        for url in (settings.CACHES["default"]["LOCATION"], settings.CELERY_BROKER_URL,
                    settings.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["address"]):
            assert redis_database(url) == database
