"""When a mirrored Odoo record is an exception, how big it is and how urgent.

Feeds carry static domains, so conditions that depend on the clock (a receipt is late once its
scheduled date has passed, an activity is overdue once its deadline day is over, an orderpoint is
parked while snoozed) are decided here, on the mirrored values and the current time. The same
assessment runs when a batch is synced and on the periodic pass, so an exception also opens, grows
or closes when only time has moved.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from apps.odoo_gateway import m2o_id, m2o_name, parse_odoo_date, parse_odoo_datetime_or_none
from apps.operations.bill_rules import bill_mismatch
from apps.operations.models import BillMatch, ExceptionKind, ExceptionRule, Severity
from apps.portal.phrases import Amount, Day, Moment, Phrase, Signed, phrase
from apps.sync.models import MirrorRecord

ZERO = Decimal("0")


@dataclass(frozen=True)
class Assessment:
    """What the rules make of one mirrored record at one moment."""

    holds: bool
    title: str | Phrase  # a phrase, written in each reader's language (apps.portal.phrases)
    detail: str | Phrase = ""
    quantity: Decimal = ZERO
    value: Decimal = ZERO
    started_at: datetime | None = None
    parked_until: datetime | None = None  # snoozed in Odoo itself (orderpoint snoozed_until)
    document: tuple[str, int] | None = None  # activities: the document that decides the store


@dataclass(frozen=True)
class Context:
    rule: ExceptionRule
    now: datetime
    costs: dict[int, Decimal]
    tz: zoneinfo.ZoneInfo
    bills: dict[int, BillMatch] = field(default_factory=dict)  # bill mismatches: by order line id

    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.tz)

    def cost(self, values: dict[str, Any]) -> Decimal:
        product = m2o_id(values.get("product_id"))
        return self.costs.get(product, ZERO) if product else ZERO


def number(value: Any) -> Decimal:
    if value in (None, False, ""):
        return ZERO
    return Decimal(str(value))


def _over_threshold(rule: ExceptionRule, quantity: Decimal, value: Decimal) -> bool:
    """Both thresholds 0: every record counts; otherwise reaching either one is enough."""
    if not rule.min_quantity and not rule.min_value:
        return True
    return bool((rule.min_quantity and quantity >= rule.min_quantity) or (rule.min_value and value >= rule.min_value))


def _product(values: dict[str, Any]) -> str | Phrase:
    return m2o_name(values.get("product_id")) or phrase("Unknown product")


def _location(values: dict[str, Any]) -> str | Phrase:
    return m2o_name(values.get("location_id")) or phrase("the store")


def count_discrepancy(record: MirrorRecord, ctx: Context) -> Assessment:
    values = record.values
    difference = number(values.get("inventory_diff_quantity"))
    quantity = abs(difference)
    value = (quantity * ctx.cost(values)).quantize(Decimal("0.01"))
    counted = record.closed_at is None and bool(values.get("inventory_quantity_set"))
    return Assessment(
        holds=counted and quantity > 0 and _over_threshold(ctx.rule, quantity, value),
        title=phrase("%(product)s: counted %(counted)s, system %(system)s", product=_product(values),
                     counted=Amount(number(values.get("inventory_quantity"))),
                     system=Amount(number(values.get("quantity")))),
        detail=phrase("Difference %(difference)s at %(location)s", difference=Signed(difference),
                      location=_location(values)),
        quantity=quantity, value=value, started_at=record.first_seen_at)


def negative_stock(record: MirrorRecord, ctx: Context) -> Assessment:
    values = record.values
    on_hand = number(values.get("quantity"))
    quantity = -on_hand if on_hand < 0 else ZERO
    value = (quantity * ctx.cost(values)).quantize(Decimal("0.01"))
    return Assessment(
        holds=record.closed_at is None and quantity > 0 and _over_threshold(ctx.rule, quantity, value),
        title=phrase("%(product)s: %(quantity)s on hand", product=_product(values), quantity=Amount(on_hand)),
        detail=phrase("Negative stock at %(location)s", location=_location(values)),
        quantity=quantity, value=value, started_at=record.first_seen_at)


def replenishment_risk(record: MirrorRecord, ctx: Context) -> Assessment:
    values = record.values
    to_order = number(values.get("qty_to_order"))
    value = (to_order * ctx.cost(values)).quantize(Decimal("0.01"))
    snoozed = values.get("snoozed_until")
    parked_day = parse_odoo_date(snoozed) if isinstance(snoozed, str) and snoozed else None
    parked_until = ctx.start_of(parked_day) if parked_day and parked_day > ctx.today() else None
    short = record.closed_at is None and to_order > 0 and _over_threshold(ctx.rule, to_order, value)
    detail = (phrase("%(quantity)s to order, snoozed in Odoo until %(day)s", quantity=Amount(to_order),
                     day=Day(parked_day))
              if parked_until and parked_day else phrase("%(quantity)s to order", quantity=Amount(to_order)))
    return Assessment(
        holds=short or parked_until is not None,
        title=phrase("%(product)s: forecast %(forecast)s below minimum %(minimum)s", product=_product(values),
                     forecast=Amount(number(values.get("qty_forecast"))),
                     minimum=Amount(number(values.get("product_min_qty")))),
        detail=detail, quantity=to_order, value=value, started_at=record.first_seen_at, parked_until=parked_until)


def late_receipt(record: MirrorRecord, ctx: Context) -> Assessment:
    values = record.values
    scheduled = parse_odoo_datetime_or_none(values.get("scheduled_date"))
    late_from = scheduled + timedelta(hours=ctx.rule.grace_hours) if scheduled else None
    partner = m2o_name(values.get("partner_id"))
    origin = values.get("origin") or ""
    name = values.get("name") or phrase("Receipt")
    state = values.get("state") or "?"
    if scheduled:
        when = Moment(scheduled.astimezone(ctx.tz))
        detail = (phrase("Receipt scheduled %(when)s, for %(origin)s (%(state)s)", when=when, origin=origin,
                         state=state) if origin else
                  phrase("Receipt scheduled %(when)s (%(state)s)", when=when, state=state))
    else:
        detail = (phrase("Receipt with no scheduled date, for %(origin)s (%(state)s)", origin=origin, state=state)
                  if origin else phrase("Receipt with no scheduled date (%(state)s)", state=state))
    return Assessment(
        holds=record.closed_at is None and late_from is not None and ctx.now >= late_from,
        title=phrase("%(receipt)s from %(partner)s", receipt=name, partner=partner) if partner
        else name,
        detail=detail, started_at=late_from)


def overdue_activity(record: MirrorRecord, ctx: Context) -> Assessment:
    """Odoo's activity state is computed in the user's time zone and not stored, so a static domain
    cannot ask for "overdue": the deadline day is compared with the store's today here."""
    values = record.values
    deadline = values.get("date_deadline")
    due = parse_odoo_date(deadline) if isinstance(deadline, str) and deadline else None
    model, res_id = values.get("res_model"), values.get("res_id")
    document = (str(model), int(res_id)) if model and isinstance(res_id, int) and res_id > 0 else None
    kind_name = m2o_name(values.get("activity_type_id")) or phrase("Activity")
    subject = values.get("summary") or values.get("res_name") or ""
    return Assessment(
        holds=record.closed_at is None and due is not None and due < ctx.today(),
        title=phrase("%(kind)s: %(subject)s", kind=kind_name, subject=subject) if subject
        else kind_name,
        detail=phrase("On %(document)s, due %(day)s", document=values.get("res_name") or model, day=Day(due))
        if due else phrase("No due date"),
        started_at=ctx.start_of(due + timedelta(days=1)) if due else None, document=document)


ASSESSORS: dict[str, Callable[[MirrorRecord, Context], Assessment]] = {
    ExceptionKind.COUNT_DISCREPANCY: count_discrepancy,
    ExceptionKind.NEGATIVE_STOCK: negative_stock,
    ExceptionKind.REPLENISHMENT_RISK: replenishment_risk,
    ExceptionKind.LATE_RECEIPT: late_receipt,
    ExceptionKind.OVERDUE_ACTIVITY: overdue_activity,
    ExceptionKind.BILL_MISMATCH: bill_mismatch,
}

DEFAULT_RULES: dict[str, dict[str, Any]] = {
    ExceptionKind.COUNT_DISCREPANCY: {"base_severity": Severity.LOW, "escalate_every_hours": 24,
                                      "value_high": Decimal("100"), "value_critical": Decimal("500"),
                                      "min_quantity": Decimal("5"), "min_value": Decimal("25"),
                                      "deadline_hours": 48},
    ExceptionKind.REPLENISHMENT_RISK: {"base_severity": Severity.MEDIUM, "escalate_every_hours": 24,
                                       "value_high": Decimal("250"), "value_critical": Decimal("1000"),
                                       "deadline_hours": 24},
    ExceptionKind.NEGATIVE_STOCK: {"base_severity": Severity.MEDIUM, "escalate_every_hours": 24,
                                   "value_high": Decimal("50"), "value_critical": Decimal("250"),
                                   "deadline_hours": 24},
    ExceptionKind.LATE_RECEIPT: {"base_severity": Severity.MEDIUM, "escalate_every_hours": 24, "grace_hours": 2,
                                 "deadline_hours": 8},
    ExceptionKind.OVERDUE_ACTIVITY: {"base_severity": Severity.LOW, "escalate_every_hours": 48,
                                     "deadline_hours": 24},
    # Severity from the value at risk only: a mismatch does not grow worse by waiting.
    ExceptionKind.BILL_MISMATCH: {"base_severity": Severity.LOW, "escalate_every_hours": 0,
                                  "value_high": Decimal("100"), "value_critical": Decimal("1000"),
                                  "price_tolerance_percent": Decimal("2"), "price_tolerance_amount": Decimal("0.05"),
                                  "bill_wait_days": 7, "deadline_hours": 72},
    # Raised by the detector (apps.operations.patterns), not by a record: only on/off, severity, deadline.
    ExceptionKind.UNUSUAL_PATTERN: {"base_severity": Severity.MEDIUM, "escalate_every_hours": 0,
                                    "deadline_hours": 72},
}


def severity_for(rule: ExceptionRule, *, started_at: datetime, value: Decimal, now: datetime) -> int:
    """Base level, plus one per escalation period the condition has held, plus the value bump."""
    level = int(rule.base_severity)
    if rule.escalate_every_hours:
        hours = max(0.0, (now - started_at).total_seconds() / 3600)
        level += int(hours // rule.escalate_every_hours)
    if rule.value_critical and value >= rule.value_critical:
        level += 2
    elif rule.value_high and value >= rule.value_high:
        level += 1
    return max(int(Severity.LOW), min(level, int(Severity.CRITICAL)))


def timezone_of(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def rules_ensure() -> dict[str, ExceptionRule]:
    """Every kind has a rule row (the defaults above the first time); operations tune them later."""
    rules = {rule.kind: rule for rule in ExceptionRule.objects.all()}
    for kind, defaults in DEFAULT_RULES.items():
        if kind not in rules:
            rules[kind] = ExceptionRule.objects.get_or_create(kind=kind, defaults=defaults)[0]
    return rules
