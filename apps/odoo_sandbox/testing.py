"""In-process API for tests: start a fresh, seeded sandbox on a free port for the duration of a block.

with running_sandbox() as odoo:
    odoo.url, odoo.db, odoo.port                 # where to connect
    odoo.execute("admin", "purchase.order", "search_count", [[]])  # act on Odoo out-of-band
    odoo.faults.latency = 0.2                    # see faults.Faults
    odoo.hints_url = "http://127.0.0.1:9999/hook"  # receive a hint for every change
    odoo.api_key_for("buyer")                    # JSON-2 bearer key (version >= 19.0)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .errors import OdooError
from .server import SandboxServer

__all__ = ["OdooError", "SandboxServer", "running_sandbox"]


@contextlib.contextmanager
def running_sandbox(
    *,
    version: str = "18.0",
    seed_network: bool = True,
    simulate: float | None = None,
    hints_url: str | None = None,
    api_keys: dict[str, str] | None = None,
    random_seed: int = 42,
    fault_seed: int | None = 0,
    calm_health: bool = False,
) -> Iterator[SandboxServer]:
    """A sandbox listening on 127.0.0.1 with a free port, stopped when the block exits."""
    server = SandboxServer(
        version=version,
        seed_network=seed_network,
        simulate=simulate,
        hints_url=hints_url,
        api_keys=api_keys,
        random_seed=random_seed,
        fault_seed=fault_seed,
        calm_health=calm_health,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
