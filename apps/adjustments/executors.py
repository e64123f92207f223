"""Setting a reported count in Odoo, applied by the outbox worker.

Odoo's own count screen writes `inventory_quantity` in inventory mode, which marks the quant counted
(`inventory_quantity_set`) and leaves the stock alone until the count is applied. The executor reads
first: a quant already holding this count is success, so a retry after a lost answer writes nothing.
"""

from __future__ import annotations

from typing import Any

from apps.adjustments.services import QUANT, report_outcome_record
from apps.odoo_gateway import OdooGateway
from apps.portal.phrases import phrase
from apps.writeback.executors import WriteBackRefused
from apps.writeback.models import WriteBack, WriteBackStatus


def count_set(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    target = float(writeback.payload["inventory_quantity"])
    if writeback.odoo_id is None:
        raise WriteBackRefused(phrase("The write-back names no stock quant."))
    rows = gateway.read(QUANT, [writeback.odoo_id], ["inventory_quantity", "inventory_quantity_set"])
    if not rows:
        raise WriteBackRefused(phrase("The stock quant no longer exists in Odoo."))
    if rows[0].get("inventory_quantity_set") and float(rows[0].get("inventory_quantity") or 0) == target:
        return {"inventory_quantity": target, "already": True}
    gateway.write(QUANT, [writeback.odoo_id], {"inventory_quantity": target}, context={"inventory_mode": True})
    return {"inventory_quantity": target}


def count_outcome(writeback: WriteBack) -> None:
    report_id = writeback.payload.get("report_id")
    if isinstance(report_id, int) and writeback.status in (WriteBackStatus.APPLIED, WriteBackStatus.FAILED,
                                                           WriteBackStatus.DEAD, WriteBackStatus.CONFLICT):
        report_outcome_record(report_id, applied=writeback.status == WriteBackStatus.APPLIED,
                              error=writeback.last_error, error_wording=writeback.error_wording)
