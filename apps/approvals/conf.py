"""Approval settings, parsed strictly from the environment (see README "Approvals")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

from controltower import env

# Deadline (SLA) of the first tier when no policy matches a request, and of the escalation tier.
DEFAULT_SLA_HOURS = env.decimal("CT_APPROVAL_SLA_HOURS", 24.0, minimum=0.1)
ESCALATION_SLA_HOURS = env.decimal("CT_APPROVAL_ESCALATION_SLA_HOURS", 8.0, minimum=0.1)
# A first reminder goes out when this share of the time to the deadline has passed; a second at it.
REMINDER_SHARE = env.decimal("CT_APPROVAL_REMINDER_SHARE", 0.75, minimum=0.0)
if REMINDER_SHARE >= 1.0:
    raise ImproperlyConfigured(f"CT_APPROVAL_REMINDER_SHARE={REMINDER_SHARE} must be below 1 (e.g. 0.75).")
# How often beat checks reminders and escalations.
DEADLINE_CHECK_SECONDS = env.integer("CT_APPROVAL_DEADLINE_CHECK_SECONDS", 60, minimum=5)
# Decided requests stay in the inbox this long so the approver sees the write-back reach Odoo.
DECIDED_VISIBLE_HOURS = env.integer("CT_APPROVAL_DECIDED_VISIBLE_HOURS", 24, minimum=0)
# The most requests one bulk approval may carry.
BULK_LIMIT = env.integer("CT_APPROVAL_BULK_LIMIT", 200, minimum=1)
# Approving with the single key `a` asks once more for amounts at or above this (0: always asks).
CONFIRM_ABOVE = env.decimal("CT_APPROVAL_CONFIRM_ABOVE", 5000.0, minimum=0.0)


def _budgets(name: str) -> dict[str, Decimal]:
    """`kind=amount` pairs (feed slug, monthly amount per store), e.g. `purchase-orders=50000`."""
    budgets: dict[str, Decimal] = {}
    for item in env.csv(name):
        kind, _, amount = item.partition("=")
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            value = Decimal("-1")
        if not kind.strip() or value <= 0:
            raise ImproperlyConfigured(f"{name}: {item!r} is not kind=amount with a positive amount "
                                       "(e.g. purchase-orders=50000).")
        budgets[kind.strip()] = value
    return budgets


# Monthly budget per store for approval kinds: the brief beside a request shows how much of it the
# month's approvals used (empty: no budgets).
MONTHLY_BUDGETS = _budgets("CT_APPROVAL_MONTHLY_BUDGETS")
