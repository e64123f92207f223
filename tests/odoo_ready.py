"""Bringing a stock sandbox to what the portal's tests expect: what `odoo_setup --yes` does in Odoo
(the store field and its form views, through the portal's own code), then Odoo's users setting the
store on the seeded documents (the sandbox acting as them)."""

from __future__ import annotations

from typing import Any

from apps.integration.conf import STORE_FIELD
from apps.integration.services import store_field_install
from apps.odoo_gateway import OdooConfig, OdooGateway
from apps.sync.feeds import BUILTIN_FEEDS, builtin_definition, odoo_series


def store_field_models(major: int) -> list[str]:
    """The models the built-in feeds of this Odoo version find their store on through the portal's field."""
    definitions = [builtin_definition(d, odoo_series(major)) for d in BUILTIN_FEEDS]
    return sorted({d["odoo_model"] for d in definitions
                   if d.get("store_field") == STORE_FIELD and not d.get("store_via_model")})


def admin_gateway(server: Any) -> OdooGateway:
    """As the portal's admin connects: over JSON-2 with its key from Odoo 19 on."""
    key = server.api_key_for("admin") if server.sandbox.major >= 19 else None
    return OdooGateway(OdooConfig(url=server.url, db=server.db, login="admin", password="admin", api_key=key))


def portal_ready(server: Any) -> None:
    gateway = admin_gateway(server)
    for model in store_field_models(server.sandbox.major):
        store_field_install(gateway, model)
    gateway.close()
    server.tag_stores(STORE_FIELD)
