"""Long-lived processes take what start-up built out of the garbage collector's walks."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from celery.signals import worker_process_init, worker_ready

from controltower.celery import _heap_freeze

ROOT = Path(__file__).resolve().parents[2]


def test_the_web_process_freezes_its_start_up_heap() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "controltower.settings"}
    shown = subprocess.run([sys.executable, "-c", "import gc, controltower.asgi; print(gc.get_freeze_count())"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    assert int(shown.stdout.split()[-1]) > 10_000  # Django, the apps, the URL map


def test_worker_processes_freeze_theirs_when_they_start() -> None:
    receivers = {id(receiver()) for signal in (worker_process_init, worker_ready) for _, receiver in signal.receivers}
    assert id(_heap_freeze) in receivers
    before = gc.get_freeze_count()
    kept = [object() for _ in range(10)]  # alive now, so frozen
    try:
        _heap_freeze()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()


def test_full_collections_are_held_until_the_outermost_holder_ends() -> None:
    from controltower.runtime import FULL_COLLECTIONS_HELD, full_collections_held

    before = gc.get_threshold()
    with full_collections_held():
        assert gc.get_threshold() == (*before[:2], FULL_COLLECTIONS_HELD)
        with full_collections_held():
            pass
        assert gc.get_threshold()[2] == FULL_COLLECTIONS_HELD  # the inner one leaves it held
        gc.collect(0)  # young collections go on
    assert gc.get_threshold() == before
    try:
        with full_collections_held():
            raise RuntimeError("a failed run")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before
