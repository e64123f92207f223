"""The sandbox answers the recorded Odoo 18 contract exactly like the real server (replay.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apps.odoo_sandbox.testing import running_sandbox

REPLAY = Path(__file__).resolve().parents[3] / "shared/odoo-contract/replay.py"
pytestmark = pytest.mark.skipif(
    not REPLAY.exists(), reason=f"the shared Odoo contract is not beside the repo ({REPLAY})"
)


def replay(url: str, db: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPLAY), "--url", url, "--db", db, "--timeout", "20", *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_it_passes_the_recorded_contract_in_full_and_repeatably() -> None:
    with running_sandbox() as odoo:
        for _ in range(2):
            run = replay(odoo.url, odoo.db)
            assert run.returncode == 0, run.stdout + run.stderr
            assert "13 passed, 0 failed" in run.stdout


def test_it_passes_the_contract_without_the_retail_network() -> None:
    with running_sandbox(seed_network=False) as odoo:
        run = replay(odoo.url, odoo.db)
        assert run.returncode == 0, run.stdout + run.stderr


def test_it_answers_the_staged_directive_tasks_scenario_like_odoo_18() -> None:
    """A store task with checklist subtasks, one closed with a photo; the parent counts them."""
    with running_sandbox(seed_network=False) as odoo:
        run = replay(odoo.url, odoo.db, "--scenarios", str(REPLAY.parent / "scenarios-next"), "--only",
                     "directive_tasks")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 passed, 0 failed" in run.stdout


def test_it_keeps_a_record_chatter_as_a_thread_like_odoo() -> None:
    """Comments, notes and the stage change's tracking notification (scenarios-next, chatter_thread)."""
    with running_sandbox() as odoo:
        run = replay(odoo.url, odoo.db, "--scenarios", str(REPLAY.parent / "scenarios-next"), "--only",
                     "chatter_thread")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 passed, 0 failed" in run.stdout


def test_it_receives_partly_and_bills_order_lines_like_odoo_18() -> None:
    """A partial receipt through the backorder wizard, then a bill beyond it (scenarios-next, three_way_match)."""
    with running_sandbox() as odoo:
        run = replay(odoo.url, odoo.db, "--scenarios", str(REPLAY.parent / "scenarios-next"), "--only",
                     "three_way_match")
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 passed, 0 failed" in run.stdout
