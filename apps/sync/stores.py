"""How a mirrored record finds its store: through a warehouse many2one, directly or one hop away, or
(feed setting `store_link = "company"`) through a company that only one store has."""

from __future__ import annotations

from collections import Counter
from typing import Any

from apps.odoo_gateway import OdooGateway, m2o_id
from apps.organisation.models import Store
from apps.sync.models import Feed

# One-hop links (a picking type's warehouse) hardly ever change: keep them for the process's life so an
# incremental run rarely pays the extra round trip.
_VIA_CACHE: dict[tuple[str, str], dict[int, int | None]] = {}
# Warehouse codes declared no store (CT_ODOO_WAREHOUSES_NOT_STORES) → their ids, looked up once per process.
_NOT_STORE_IDS: dict[frozenset[str], frozenset[int]] = {}
# The key a mirrored record's values carry when its warehouse is declared no store: nobody's, not unassigned.
NOT_A_STORE = "_warehouse_not_a_store"


def _not_store_ids(gateway: OdooGateway) -> frozenset[int]:
    from apps.integration.conf import warehouses_not_stores

    declared = warehouses_not_stores()
    if not declared:
        return frozenset()
    if declared not in _NOT_STORE_IDS:
        ids = {int(item) for item in declared if item.isdigit()}
        codes = sorted(item for item in declared if not item.isdigit())
        if codes:
            ids |= {int(row["id"]) for row in gateway.search_read("stock.warehouse", [["code", "in", codes]], ["code"])}
        _NOT_STORE_IDS[declared] = frozenset(ids)
    return _NOT_STORE_IDS[declared]


class StoreResolver:
    """Resolves records to stores for one run. One-hop lookups (e.g. picking type → warehouse) are
    cached for the resolver's life, so a run pays at most one extra round trip per batch of new ids."""

    def __init__(self, feed: Feed, gateway: OdooGateway) -> None:
        self.feed = feed
        self.gateway = gateway
        self.by_warehouse = dict(Store.objects.filter(odoo_warehouse_id__isnull=False)
                                 .values_list("odoo_warehouse_id", "pk"))
        self.company_link = (feed.settings or {}).get("store_link") == "company"
        if self.company_link:
            # A retailer with a company per store: the link ends at a res.company, and a company maps to
            # a store only when exactly one store has it (a shared company says nothing of the store).
            companies = Counter(Store.objects.filter(odoo_company_id__isnull=False)
                                .values_list("odoo_company_id", flat=True))
            self.by_warehouse = {company: pk for company, pk in Store.objects.filter(odoo_company_id__isnull=False)
                                 .values_list("odoo_company_id", "pk") if companies[company] == 1}
        self.via_cache = _VIA_CACHE.setdefault((feed.store_via_model, feed.store_via_field), {})

    def prepare(self, records: list[dict[str, Any]]) -> None:
        """Fetch the one-hop links the batch needs that are not cached yet (one `read`)."""
        if not self.feed.store_via_model:
            return
        missing = sorted({ref for record in records if (ref := m2o_id(record.get(self.feed.store_field)))}
                         - set(self.via_cache))
        if not missing:
            return
        rows = self.gateway.read(self.feed.store_via_model, missing, [self.feed.store_via_field])
        for row in rows:
            self.via_cache[row["id"]] = m2o_id(row.get(self.feed.store_via_field))
        for ref in missing:
            self.via_cache.setdefault(ref, None)

    def _warehouse_id(self, record: dict[str, Any]) -> int | None:
        ref = m2o_id(record.get(self.feed.store_field)) if self.feed.store_field else None
        if ref is None:
            return None
        return self.via_cache.get(ref) if self.feed.store_via_model else ref

    def store_id(self, record: dict[str, Any]) -> int | None:
        warehouse_id = self._warehouse_id(record)
        return self.by_warehouse.get(warehouse_id) if warehouse_id is not None else None

    def not_a_store(self, record: dict[str, Any]) -> bool:
        """The record's warehouse is declared no store (a company link never is)."""
        if self.company_link:
            return False
        warehouse_id = self._warehouse_id(record)
        return warehouse_id is not None and warehouse_id in _not_store_ids(self.gateway)
