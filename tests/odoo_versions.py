"""Running a test against the sandbox as Odoo 18 (JSON-RPC) and as Odoo 19 (JSON-2 with an API key).

`@EVERY_ODOO` parametrises the module-scoped `odoo_server` fixture: the `odoo` gateway fixture then
picks the transport the portal picks on that version. End-to-end flows (sync every feed, approve each
kind, deliver an incident with a photo and a comment, health) carry it.
"""

from __future__ import annotations

from typing import Any

import pytest

ODOO_VERSIONS = ("18.0", "19.0")
EVERY_ODOO = pytest.mark.parametrize("odoo_server", ODOO_VERSIONS, indirect=True,
                                     ids=["odoo18-jsonrpc", "odoo19-json2"])


def major(server: Any) -> int:
    return int(server.sandbox.major)
