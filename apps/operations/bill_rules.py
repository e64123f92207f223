"""Supplier bill mismatches: the three-way match of order, receipt and vendor bill, per order line.

Three rules, any of which makes the line an exception:

- **billed more than received**: Odoo's `qty_to_invoice` is negative (for products billed on receipt);
  the quantity at risk is what was billed beyond the receipt, valued at the bill price;
- **bill price above the order price** by more than the rule's tolerance (a share of the order price
  and an absolute amount per unit; the larger wins), valued as the excess times the billed quantity,
  less what vendor credit notes on the line gave back;
- **a bill waiting for its receipt** longer than `bill_wait_days`: billed beyond the receipt, with the
  first bill dated that long ago, whatever the amount.

The figures come from the mirrored line and, fresher, from `BillMatch` (the periodic pass reads the
line's bills and computed quantities, which change in Odoo without touching the line). A receipt that
catches up or a credit note that takes the bill back clears the condition and the exception closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from apps.odoo_gateway import m2o_name
from apps.operations.models import BillMatch, ExceptionRule
from apps.portal.phrases import Amount, Joined, Phrase, phrase, phrase_plural
from apps.sync.models import MirrorRecord

if TYPE_CHECKING:
    from apps.operations.rules import Assessment, Context

ZERO = Decimal("0")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineFigures:
    order_price: Decimal
    qty_received: Decimal
    qty_invoiced: Decimal
    qty_to_invoice: Decimal
    bill_price: Decimal
    billed_quantity: Decimal
    credited_value: Decimal
    bill_name: str
    first_bill_date: date | None


def _number(value: object) -> Decimal:
    if value in (None, False, ""):
        return ZERO
    return Decimal(str(value))


def line_figures(record: MirrorRecord, match: BillMatch | None) -> LineFigures:
    values = record.values
    if match is not None:
        return LineFigures(match.order_price, match.qty_received, match.qty_invoiced, match.qty_to_invoice,
                           match.bill_price, match.billed_quantity, match.credited_value, match.bill_name,
                           match.first_bill_date)
    price = _number(values.get("price_unit"))
    return LineFigures(price, _number(values.get("qty_received")), _number(values.get("qty_invoiced")),
                       _number(values.get("qty_to_invoice")), price, _number(values.get("qty_invoiced")), ZERO,
                       "", None)


def price_excess(rule: ExceptionRule, order_price: Decimal, bill_price: Decimal) -> Decimal:
    """The bill's excess per unit over the order price when beyond the tolerance, else 0."""
    excess = bill_price - order_price
    tolerance = max(order_price * rule.price_tolerance_percent / 100, rule.price_tolerance_amount)
    return excess if excess > tolerance and excess > 0 else ZERO


def bill_mismatch(record: MirrorRecord, ctx: Context) -> Assessment:
    from apps.operations.rules import Assessment, _over_threshold

    rule = ctx.rule
    figures = line_figures(record, ctx.bills.get(record.odoo_id))
    values = record.values
    order = m2o_name(values.get("order_id")) or phrase("Order")
    product = m2o_name(values.get("product_id")) or phrase("Unknown product")
    over = -figures.qty_to_invoice if figures.qty_to_invoice < 0 else ZERO
    over_value = (over * (figures.bill_price or figures.order_price)).quantize(CENT)
    excess = price_excess(rule, figures.order_price, figures.bill_price)
    price_value = max(ZERO, (excess * figures.billed_quantity - figures.credited_value).quantize(CENT))
    waiting_since = (datetime.combine(figures.first_bill_date, time.min, tzinfo=ctx.tz)
                     if figures.first_bill_date else None)
    waited = waiting_since is not None and ctx.now - waiting_since >= timedelta(days=rule.bill_wait_days)
    reasons: list[Phrase] = []
    if over > 0 and _over_threshold(rule, over, over_value):
        reasons.append(phrase("billed %(billed)s, received %(received)s", billed=Amount(figures.qty_invoiced),
                              received=Amount(figures.qty_received)))
    if price_value > 0:
        reasons.append(phrase("billed at %(bill)s, ordered at %(order)s", bill=Amount(figures.bill_price),
                              order=Amount(figures.order_price)))
    if over > 0 and waited and waiting_since is not None:
        reasons.append(phrase_plural("bill waiting %(days)s day for the receipt", "bill waiting %(days)s days for the "
                                     "receipt", number="days", days=(ctx.now - waiting_since).days))
    # unnumbered until posted
    bill = figures.bill_name if figures.bill_name not in ("", "/") else phrase("Draft bill")
    return Assessment(
        holds=record.closed_at is None and bool(reasons),
        title=phrase("%(order)s: %(product)s", order=order, product=product),
        detail=phrase("%(bill)s: %(reasons)s", bill=bill, reasons=Joined(tuple(reasons))) if reasons
        else phrase("%(bill)s: matches the order and receipt", bill=bill),
        quantity=over, value=over_value + price_value,
        started_at=waiting_since or record.first_seen_at)
