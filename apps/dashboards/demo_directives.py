"""Directive history for the demo: a directive a week to every demo store over the history's days,
most stores submitting before the due time and a slow tail after it, so the HQ's on-time directive
completion has a figure and a change from the first morning."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from apps.directives.models import CopyStatus, Directive, DirectiveStatus, StoreDirective
from apps.organisation.models import Store

LATE_SHARES = (0.1, 0.3, 0.2)
TITLES = ("Weekly price-label check", "Promotion end-caps", "Fire-door walk", "Cold-chain log review")


def demo_directives_seed(rng: random.Random, stores: list[Store], *, now: datetime, days: int) -> int:
    """Published weekly directives due at 10:00 over the past `days`; returns the copies written."""
    copies = []
    today = timezone.localdate(now)
    for week, due_on in enumerate(today - timedelta(days=offset) for offset in range(days - 1, 0, -7)):
        due = timezone.make_aware(datetime.combine(due_on, time(10, 0)))
        directive = Directive.objects.create(
            title=TITLES[week % len(TITLES)], status=DirectiveStatus.PUBLISHED, due_on=due_on, due_time=time(10, 0),
            published_at=due - timedelta(days=3))
        # Most stores a few hours early; a tail late by up to a day, of a size that changes week to week
        # (so the tile always shows a change); one store never finishes.
        late_count = round(LATE_SHARES[week % len(LATE_SHARES)] * len(stores))
        order = rng.sample(stores, len(stores))
        unfinished, late_stores = order[:1], set(order[1:1 + late_count])
        for store in stores:
            if store in unfinished:
                copies.append(StoreDirective(directive=directive, store=store, due_at=due,
                                             status=CopyStatus.IN_PROGRESS, started_at=due - timedelta(hours=20)))
                continue
            late = store in late_stores
            submitted = due + timedelta(hours=rng.uniform(0.5, 24) if late else -rng.uniform(0.5, 30))
            approved = submitted + timedelta(hours=rng.uniform(0.5, 8))
            if approved >= now:
                continue
            copies.append(StoreDirective(directive=directive, store=store, due_at=due, status=CopyStatus.APPROVED,
                                         started_at=submitted - timedelta(hours=2), submitted_at=submitted,
                                         approved_at=approved))
    StoreDirective.objects.bulk_create(copies, batch_size=500)
    return len(copies)
