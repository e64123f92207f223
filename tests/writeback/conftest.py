from __future__ import annotations

from collections.abc import Iterator

import pytest

from apps.odoo_gateway import OdooConfig, OdooGateway
from tests.approvals.support import approvals_sync, dispatched  # noqa: F401
from tests.factories import Network


@pytest.fixture
def world(network: Network, odoo) -> Network:  # type: ignore[no-untyped-def]
    """The test network with the approval feeds mirrored from the sandbox."""
    approvals_sync(odoo)
    return network


@pytest.fixture
def impatient(odoo_server) -> Iterator[OdooGateway]:  # type: ignore[no-untyped-def]
    """A worker's gateway with a short timeout and quick read retries, so faults cost seconds, not minutes."""
    gateway = OdooGateway(OdooConfig(url=odoo_server.url, db=odoo_server.db, login="admin", password="admin",
                                     timeout=1.0, retries=2), backoff=0.01)
    yield gateway
    odoo_server.faults.reset()
    gateway.close()
