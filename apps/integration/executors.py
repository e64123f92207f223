"""Applying a store assignment in Odoo: write the store field, then refetch the record so the mirror,
and the approval, incident or exception built from it, reach the store at once."""

from __future__ import annotations

from typing import Any

from apps.odoo_gateway import OdooGateway, m2o_id
from apps.portal.phrases import phrase
from apps.sync.engine import refetch_by_id
from apps.sync.models import Feed
from apps.writeback.executors import WriteBackRefused
from apps.writeback.models import WriteBack


def store_assign_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """Idempotent: a record that already carries the warehouse is not written again."""
    field, warehouse = writeback.payload["field"], int(writeback.payload["warehouse_id"])
    assert writeback.odoo_id is not None
    rows = gateway.read(writeback.odoo_model, [writeback.odoo_id], [field])
    if not rows:
        raise WriteBackRefused(phrase("%(model)s %(id)s no longer exists in Odoo.", model=writeback.odoo_model,
                                      id=str(writeback.odoo_id)))
    written = m2o_id(rows[0].get(field)) != warehouse
    if written:
        gateway.write(writeback.odoo_model, [writeback.odoo_id], {field: warehouse})
    for feed in Feed.objects.filter(odoo_model=writeback.odoo_model, enabled=True):
        refetch_by_id(feed, [writeback.odoo_id], gateway=gateway)
    return {"written": written, "warehouse_id": warehouse}

