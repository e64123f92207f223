"""The demo's unusual refund week: one store refunds about four times its usual amount this week (and
at least enough to pass the minimum volumes), most of it by one cashier, so the detector has
something to explain on the first morning.

Refunds are written as the approval projector leaves finished ones: a closed mirror record of the
customer-refunds feed and its decided request (ids far above the sandbox's, as the demo history does).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.operations import conf
from apps.organisation.models import Store
from apps.sync.feeds import feeds_ensure
from apps.sync.mirror import LEFT_DOMAIN
from apps.sync.models import Feed, MirrorRecord

ODOO_ID_BASE = 950_000_000
REFERENCE_PREFIX = "UNUSUAL-"
DEMO_CASHIER = "Jamie Cole"


@dataclass(frozen=True)
class Refund:
    at: datetime
    amount: Decimal
    cashier: str


def refunds_add(store: Store, refunds: Iterable[Refund], *, prefix: str = REFERENCE_PREFIX) -> int:
    """Posted customer refunds of `store`, as the sync and the approval projector leave them."""
    feeds_ensure()
    feed = Feed.objects.get(slug="customer-refunds")
    start = (MirrorRecord.objects.filter(feed=feed, odoo_id__gte=ODOO_ID_BASE).aggregate(top=Max("odoo_id"))["top"]
             or ODOO_ID_BASE) + 1
    made = 0
    for odoo_id, refund in zip(itertools.count(start), refunds, strict=False):
        reference = f"{prefix}{store.code}-{odoo_id - ODOO_ID_BASE:05d}"
        mirror = MirrorRecord.objects.create(
            feed=feed, odoo_id=odoo_id, store=store, odoo_write_date=refund.at, first_seen_at=refund.at,
            synced_at=refund.at, closed_at=refund.at + timedelta(minutes=30), close_reason=LEFT_DOMAIN,
            values={"name": reference, "state": "posted", "amount_total": float(refund.amount),
                    "invoice_user_id": [2, refund.cashier], "currency_id": [1, "GBP"]})
        ApprovalRequest.objects.create(
            mirror=mirror, feed=feed, kind=feed.slug, kind_label=feed.name, store=store, odoo_model=feed.odoo_model,
            odoo_id=odoo_id, reference=reference, amount=refund.amount, currency="GBP", requester_name=refund.cashier,
            odoo_state="posted", odoo_open=False, requested_at=refund.at, status=ApprovalStatus.APPROVED,
            decided_at=refund.at + timedelta(minutes=20), deadline=refund.at + timedelta(hours=24))
        made += 1
    return made


def demo_unusual_week_seed(*, store: Store | None = None, now: datetime | None = None, seed: int = 7) -> int:
    """Add the unusual week to the first demo store (once) and run the detector; returns refunds added."""
    now = now or timezone.now()
    store = store or Store.objects.filter(active=True).order_by("code").first()
    if store is None or ApprovalRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        return 0
    rng = random.Random(seed)
    usual = [abs(a) for a in ApprovalRequest.objects.filter(
        store=store, kind="customer-refunds", requested_at__gte=now - timedelta(days=63),
        requested_at__lt=now - timedelta(days=7)).values_list("amount", flat=True)]
    weekly = float(sum(usual)) / 8 if usual else 0.0
    # About four times the usual week, and enough to pass the minimum volumes (a quiet store never alerts).
    target = max(4 * weekly, 1.6 * conf.PATTERNS_MIN_REFUND_VALUE)
    count = max(conf.PATTERNS_MIN_REFUNDS + 2, 6)
    refunds = []
    for number in range(count):
        cashier = DEMO_CASHIER if number % 3 != 2 else rng.choice(["Sam Patel", "Ana Ruiz"])
        amount = Decimal(str(round(target / count * rng.uniform(0.6, 1.4), 2)))
        refunds.append(Refund(at=now - timedelta(hours=rng.uniform(2, 150)), amount=amount, cashier=cashier))
    with transaction.atomic():
        made = refunds_add(store, refunds)
    from apps.operations.patterns.services import unusual_patterns_detect

    unusual_patterns_detect(now=now)
    return made
