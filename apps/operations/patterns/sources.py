"""Weekly figures per store out of the mirror: refunds from the customer-refunds feed's requests,
applied stock adjustments from the stock-count approvals (valued at the cached product cost).

Weeks are the seven days ending at the run (week 0) and the eight seven-day stretches before it, so
every week compared has the same length whatever the weekday the pass runs on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.odoo_gateway import m2o_id
from apps.operations.models import ProductCost
from apps.operations.patterns.detector import HISTORY_WEEKS

REFUNDS_FEED, COUNTS_FEED = "customer-refunds", "stock-counts"
NOT_REFUNDED = ("Rejected in Odoo", "Deleted in Odoo")
WEEK = timedelta(days=7)


@dataclass
class StoreWeeks:
    """One store's weekly totals (index 0: this week) and this week's refunds, for the explanation."""

    totals: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0.0] * (HISTORY_WEEKS + 1)))
    refunds_now: list[tuple[float, str]] = field(default_factory=list)  # (amount, cashier)
    currencies: Counter[str] = field(default_factory=Counter)

    def current(self, metric: str) -> float:
        return self.totals[metric][0]

    def history(self, metric: str) -> list[float]:
        return self.totals[metric][1:]

    @property
    def currency(self) -> str:
        return self.currencies.most_common(1)[0][0] if self.currencies else ""

    def largest_by_one(self, top: int = 5) -> tuple[int, int, str]:
        """Of this week's `top` largest refunds, how many one cashier made: (count, of, name)."""
        largest = sorted(self.refunds_now, key=lambda item: -item[0])[:top]
        named = Counter(name for _, name in largest if name)
        if not named:
            return 0, len(largest), ""
        name, count = named.most_common(1)[0]
        return count, len(largest), name


def _week(moment: datetime, now: datetime) -> int | None:
    index = int((now - moment) // WEEK)
    return index if 0 <= index <= HISTORY_WEEKS and moment <= now else None


def weeks_by_store(*, now: datetime) -> dict[int, StoreWeeks]:
    """Two queries: the refund requests and the applied counts of the last nine weeks."""
    start = now - WEEK * (HISTORY_WEEKS + 1)
    stores: dict[int, StoreWeeks] = defaultdict(StoreWeeks)
    refunds = (ApprovalRequest.objects.filter(kind=REFUNDS_FEED, requested_at__gte=start, requested_at__lte=now)
               .exclude(status=ApprovalStatus.REJECTED).exclude(closed_outcome__in=NOT_REFUNDED)
               .values_list("store_id", "requested_at", "amount", "currency", "requester_name"))
    for store_id, at, amount, currency, cashier in refunds:
        week = _week(at, now)
        if week is None:
            continue
        figures = stores[store_id]
        figures.totals["refund_value"][week] += float(abs(amount))
        figures.totals["refund_count"][week] += 1
        figures.currencies[currency] += 1
        if week == 0:
            figures.refunds_now.append((float(abs(amount)), cashier))
    counts = list(ApprovalRequest.objects.filter(kind=COUNTS_FEED, status=ApprovalStatus.APPROVED,
                                                 decided_at__gte=start, decided_at__lte=now)
                  .values_list("store_id", "decided_at", "amount", "mirror__values"))
    products = {m2o_id((values or {}).get("product_id")) for *_, values in counts} - {None}
    costs = dict(ProductCost.objects.filter(odoo_product_id__in=products).values_list("odoo_product_id", "unit_cost"))
    for store_id, decided, difference, values in counts:
        week = _week(decided, now) if decided is not None else None
        if week is None:
            continue
        product = m2o_id((values or {}).get("product_id"))
        cost = costs.get(product, Decimal("0")) if product is not None else Decimal("0")
        stores[store_id].totals["adjustment_value"][week] += float(abs(difference) * cost)
        stores[store_id].totals["adjustment_count"][week] += 1
    return stores
