"""Settings of the outbox read by the admin, strictly from the environment (see README)."""

from __future__ import annotations

from controltower import env

# Seconds a replay (admin action, health page) waits for the replayed rows' outcome before it answers;
# 0 answers at once ("queued again"), and the outcome shows in the list when the worker has it.
REPLAY_WAIT_SECONDS = env.decimal("CT_WRITEBACK_REPLAY_WAIT_SECONDS", 5.0, minimum=0)
