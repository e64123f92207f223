"""What the demo history (apps/dashboards/demo_history.py) is made of: each store's pace, the kinds of
work and their shares, and the names, titles and reasons that fill its rows."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from apps.incidents.taxonomy import Category, Urgency
from apps.operations.models import ExceptionKind
from apps.organisation.models import Store

SLOW_STORE_PACE = 1.9
SLOW_STORES_PER_REGION = 2

APPROVAL_KINDS = (  # feed slug, reference tag, share, median amount, approved state, rejected state
    ("purchase-orders", "PO", 0.55, 650.0, "purchase", "cancel"),
    ("customer-refunds", "RF", 0.18, 38.0, "posted", "cancel"),
    ("expense-reports", "EX", 0.15, 95.0, "approve", "cancel"),
    ("stock-counts", "SC", 0.12, 12.0, "", ""),
)
REJECTION_REASONS = ("Over this month's budget.", "Duplicate of an earlier order.", "Split it by supplier, please.",
                     "Stock covers the week; order next Monday.", "Receipt missing: attach it and resubmit.")
VENDORS = ("Fresh Fields Produce Ltd", "Northern Dairy Co-operative", "Hearth & Loaf Bakery Supplies",
           "Metro Packaging Ltd", "ColdChain Refrigeration Services", "Harbour Coffee Roasters")
CUSTOMERS = ("Amelia Hart", "Oliver Grant", "Sofia Brennan", "Jacob Mensah", "Isla Fraser", "Noah Whitfield")
STAFF = ("Priya Shah", "Tom Okafor", "Hannah Reid", "Marek Nowak", "Chloe Evans", "Sam Lee", "Aisha Khan")
PRODUCTS = ("[MLK-1L] Semi-skimmed milk 1L", "[BRD-800] White sliced loaf 800g", "[EGG-12] Free-range eggs x12",
            "[ICE-1L] Vanilla ice cream 1L", "[COF-1K] Coffee beans 1kg", "[CHK-1K] Chicken breast fillets 1kg",
            "[BAN-KG] Bananas (per kg)", "[WTR-6] Still water 6 x 1.5L", "[TP-9] Toilet roll 9 pack")

CATEGORY_SHARES = {Category.REFRIGERATION: 0.15, Category.FACILITIES: 0.19, Category.POS_IT: 0.14,
                   Category.STOCK: 0.14, Category.SAFETY_SECURITY: 0.07, Category.CUSTOMER: 0.08,
                   Category.STAFFING: 0.07, Category.COMPLIANCE: 0.16}
URGENCY_SHARES = {Urgency.LOW: 0.2, Urgency.MEDIUM: 0.5, Urgency.HIGH: 0.24, Urgency.CRITICAL: 0.06}
INCIDENT_TITLES = {
    Category.REFRIGERATION: ("Freezer in aisle {n} running warm", "Chiller door seal torn",
                             "Cold-room alarm keeps going off", "Ice build-up in the dairy chiller"),
    Category.FACILITIES: ("Leak above the goods-in door", "Automatic door stuck open", "Lights out in aisle {n}",
                          "Customer toilets blocked", "Car park barrier broken"),
    Category.POS_IT: ("Till {n} frozen at opening", "Card terminal declining contactless",
                      "Scanner on till {n} not reading", "Shelf-label printer offline"),
    Category.STOCK: ("Damaged pallet on the morning delivery", "Cage missing from the delivery",
                     "Wrong goods delivered", "Bread short on delivery, shelf empty"),
    Category.SAFETY_SECURITY: ("Shoplifting at the self-checkouts", "Fire exit blocked by cages",
                               "Spillage in aisle {n}, customer slipped", "Intruder alarm faulty"),
    Category.CUSTOMER: ("Complaint about a refused refund", "Click & collect order not found",
                        "Allergy question about an own-brand label"),
    Category.STAFFING: ("Evening shift not covered", "Two absences on the early shift", "Forklift training overdue"),
    Category.COMPLIANCE: ("Hygiene inspection finding: handwash sink", "Wrong price labels on the promotion",
                          "Promotion not set up on the tills", "Allergen signage missing at the deli",
                          "Fridge temperature log incomplete"),
}
EXCEPTION_SHARES = {ExceptionKind.LATE_RECEIPT: 0.35, ExceptionKind.COUNT_DISCREPANCY: 0.25,
                    ExceptionKind.NEGATIVE_STOCK: 0.15, ExceptionKind.REPLENISHMENT_RISK: 0.25}
# Kinds whose actions write nothing to Odoo: the only ones left open (their records are not in Odoo).
OPEN_EXCEPTION_KINDS = (ExceptionKind.LATE_RECEIPT, ExceptionKind.COUNT_DISCREPANCY, ExceptionKind.NEGATIVE_STOCK)


@dataclass(frozen=True)
class Profile:
    """A store's own pace in the history."""

    store: Store
    pace: float  # multiplies every duration: 1 is a typical store
    volume: float  # multiplies the work arriving
    slow: bool


def store_profiles(rng: random.Random, stores: list[Store]) -> list[Profile]:
    """Each store a pace of its own; in every region a couple of consistently slow ones."""
    by_region: dict[int, list[Store]] = {}
    for store in stores:
        by_region.setdefault(store.region_id, []).append(store)
    slow = {store.pk for region in by_region.values()
            for store in rng.sample(region, min(SLOW_STORES_PER_REGION, max(len(region) - 1, 0)))}
    return [Profile(store=store, slow=store.pk in slow,
                    pace=math.exp(rng.gauss(0, 0.12)) * (SLOW_STORE_PACE if store.pk in slow else 1.0),
                    volume=math.exp(rng.gauss(0, 0.15)) * (1.15 if store.pk in slow else 1.0))
            for store in stores]


def poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def pick(rng: random.Random, shares: dict[Any, float]) -> Any:
    return rng.choices(list(shares), weights=list(shares.values()))[0]
