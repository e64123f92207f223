from __future__ import annotations

import pytest

from tests.approvals.support import approvals_sync, dispatched  # noqa: F401
from tests.factories import Network


@pytest.fixture
def world(network: Network, odoo) -> Network:  # type: ignore[no-untyped-def]
    """The test network with the approval feeds mirrored from the sandbox."""
    approvals_sync(odoo)
    return network
