"""The demo retail network, shared by the portal's demo seed and the Odoo sandbox.

Plain data with no Django imports, so the sandbox can seed the same stores as Odoo warehouses.
Warehouse ids are deterministic: the sandbox keeps id 1 for Odoo's own demo warehouse ("WH") and
creates the stores' warehouses in this order from id 2, so `odoo_warehouse_id` is known up front.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY_ID = 1
FIRST_STORE_WAREHOUSE_ID = 2


@dataclass(frozen=True)
class DemoStore:
    code: str
    name: str
    timezone: str


@dataclass(frozen=True)
class DemoRegion:
    code: str
    name: str
    stores: tuple[DemoStore, ...]


def _stores(prefix: str, tz: str, towns: tuple[str, ...]) -> tuple[DemoStore, ...]:
    return tuple(DemoStore(code=f"{prefix}{i:02d}", name=town, timezone=tz) for i, town in enumerate(towns, 1))


REGIONS: tuple[DemoRegion, ...] = (
    DemoRegion(
        code="NORTH",
        name="North",
        stores=_stores(
            "N",
            "Europe/London",
            ("Leeds Kirkgate", "York Coppergate", "Newcastle Quayside", "Durham Market",
             "Sheffield Moor", "Hull Marina", "Harrogate Parade", "Sunderland Keel"),
        ),
    ),
    DemoRegion(
        code="SOUTH",
        name="South",
        stores=_stores(
            "S",
            "Europe/London",
            ("Brighton Lanes", "Southampton Bargate", "Portsmouth Gunwharf", "Reading Oracle",
             "Guildford High St", "Canterbury Whitefriars", "Bournemouth Square", "Winchester Brooks"),
        ),
    ),
    DemoRegion(
        code="WEST",
        name="West",
        stores=_stores(
            "W",
            "Europe/London",
            ("Bristol Cabot", "Bath Southgate", "Exeter Princesshay", "Plymouth Drake",
             "Cardiff Queen St", "Swansea Quadrant", "Gloucester Quays", "Taunton Orchard"),
        ),
    ),
)


# Store groups directives can target: one across the regions, one inside North (the demo's regional
# manager may target only that one).
STORE_GROUPS: dict[str, tuple[str, ...]] = {"Flagships": ("N01", "S01", "W01"), "Harbour stores": ("N03", "N06")}


def stores_with_warehouse_ids() -> list[tuple[DemoRegion, DemoStore, int]]:
    """Every demo store with its region and the Odoo warehouse id the sandbox gives it."""
    out: list[tuple[DemoRegion, DemoStore, int]] = []
    next_id = FIRST_STORE_WAREHOUSE_ID
    for region in REGIONS:
        for store in region.stores:
            out.append((region, store, next_id))
            next_id += 1
    return out
