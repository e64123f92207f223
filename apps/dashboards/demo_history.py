"""A demo history: some ninety days of finished work in every demo store, so the dashboards of a fresh
`make demo` have figures (cycle and resolution times, SLA attainment, closure and compliance rates,
trends) instead of "no data" and one spike today.

Rows are written in bulk, as the projectors and services would have left them: approval requests
decided in the portal (with their closed mirror record and decision), incidents resolved in Odoo,
exceptions resolved by a person or cleared in Odoo. Each store gets its own pace (two stores per
region are consistently slower), everything gets a little faster over the period (so "against the
previous period" says something), and weekends are quieter. Seeded, so every demo shows the same.

What the periodic passes do with it:

- Finished approvals: their mirror records are closed (Odoo's state left the queue after the
  write-back) with odoo ids from `HISTORY_ODOO_ID_BASE` up, which the sandbox never reaches.
  Reconciliation compares the *open* mirror with Odoo, so it never looks at them. Open history
  approvals are not made: Odoo does not have them, so reconciliation would close them as deleted
  (and a decision could not be written back). The sandbox's own purchase orders fill the inbox.
- Incidents: finished ones have no mirror record (nothing visits them). The ones still open are
  reported in the portal and waiting for delivery (status queued, with their outbox row): the outbox
  creates them in Odoo at the demo's start, the sync then follows them like any other, and comments
  or overrides on them reach Odoo. The sandbox keeps its data in memory only, so after a restart
  with the same var/ reconciliation closes them as deleted in Odoo, like any incident of an earlier
  session.
- Exceptions: no mirror record either. Exception passes only visit mirrored records, so the open
  ones stay open until someone acts; they are of kinds whose actions write nothing to Odoo.

Open items that are overdue are already escalated, as the scheduler would have done, so the start of
the demo does not send a burst of escalation notices.
"""

from __future__ import annotations

import itertools
import math
import random
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from apps.approvals import conf as approvals_conf
from apps.approvals.models import ApprovalRequest, ApprovalStatus, Decision, Outcome
from apps.dashboards.cache import stores_changed
from apps.dashboards.demo_directives import demo_directives_seed
from apps.dashboards.demo_makeup import (
    APPROVAL_KINDS,
    CATEGORY_SHARES,
    CUSTOMERS,
    EXCEPTION_SHARES,
    INCIDENT_TITLES,
    OPEN_EXCEPTION_KINDS,
    PRODUCTS,
    REJECTION_REASONS,
    STAFF,
    URGENCY_SHARES,
    VENDORS,
    Profile,
    pick,
    poisson,
    store_profiles,
)
from apps.dashboards.rollups import rollups_rebuild
from apps.incidents import conf as incidents_conf
from apps.incidents.executors import KIND_CREATE, create_key
from apps.incidents.models import EscalationTier, IncidentStatus, StoreIncident
from apps.incidents.odoo_records import odoo_model_for
from apps.incidents.taxonomy import Category, Urgency
from apps.operations.models import (
    EventAction,
    ExceptionEvent,
    ExceptionKind,
    ExceptionRule,
    ExceptionStatus,
    OpsException,
)
from apps.operations.rules import rules_ensure, severity_for
from apps.organisation.demo_network import REGIONS
from apps.organisation.models import Store
from apps.organisation.roles import Role
from apps.portal.phrases import Amount, Moment, Phrase, Signed, data_of, english, phrase
from apps.sync.feeds import feeds_ensure
from apps.sync.mirror import LEFT_DOMAIN
from apps.sync.models import Feed, MirrorRecord
from apps.writeback.models import WriteBack

HISTORY_ODOO_ID_BASE = 900_000_000  # far above any id the sandbox hands out
REFERENCE_PREFIX = "HIST-"
SEED = 1729
HOUR = timedelta(hours=1)
SETTLED = timedelta(minutes=2)  # something finishing closer to now than this is left out (still open)

# How long things take for a typical store at the start of the period (medians), and the spread.
APPROVAL_CYCLE_HOURS, APPROVAL_SPREAD = 3.0, 1.15
INCIDENT_SLA_SHARE, INCIDENT_SPREAD = 0.42, 0.75  # resolution as a share of the urgency's SLA
EXCEPTION_SLA_SHARE, EXCEPTION_SPREAD = 0.40, 0.8  # resolution as a share of the rule's deadline
IMPROVEMENT = 0.35  # durations shrink by this share from the first to the last day

# Work arriving per store and day, and how the week shapes it (Monday first).
APPROVALS_PER_DAY, INCIDENTS_PER_DAY, EXCEPTIONS_PER_DAY = 2.6, 1.3, 1.9
OFFICE_WEEK = (1.15, 1.15, 1.15, 1.15, 1.1, 0.6, 0.3)
SHOP_WEEK = (0.95, 0.95, 0.95, 1.0, 1.05, 1.15, 0.95)

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class HistorySeed:
    """What `demo_history_seed` made: finished items, and items left open (of which overdue)."""

    finished: int = 0
    open: int = 0
    overdue: int = 0
    days: int = 0

    @property
    def created(self) -> int:
        return self.finished + self.open


def demo_history_exists() -> bool:
    return (ApprovalRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()
            or StoreIncident.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()
            or OpsException.objects.filter(odoo_id__gte=HISTORY_ODOO_ID_BASE).exists())


def demo_history_seed(*, days: int = 90, now: datetime | None = None, seed: int = SEED) -> HistorySeed:
    """Write `days` of history for every active demo store; nothing when a history is already there."""
    now = now or timezone.now()
    with transaction.atomic():
        if demo_history_exists():
            return HistorySeed(days=days)
        demo_codes = [store.code for region in REGIONS for store in region.stores]
        stores = list(Store.objects.filter(active=True, region__active=True, code__in=demo_codes)
                      .select_related("region").order_by("code"))
        if not stores:
            return HistorySeed(days=days)
        rng = random.Random(seed)
        history = _History(rng, now=now, days=days)
        for profile in store_profiles(rng, stores):
            history.store(profile)
        result = history.save()
        demo_directives_seed(rng, stores, now=now, days=days)
        rollups_rebuild(now=now)  # the history is written back-dated, past the refresh's watermark
        store_ids = [store.pk for store in stores]
        transaction.on_commit(lambda: stores_changed(store_ids))  # cached figures computed before are stale
    return result


@dataclass
class _History:
    rng: random.Random
    now: datetime
    days: int
    feeds: dict[str, Feed] = field(default_factory=dict)
    rules: dict[str, ExceptionRule] = field(default_factory=dict)
    odoo_ids: Iterator[int] = field(default_factory=lambda: itertools.count(HISTORY_ODOO_ID_BASE))
    mirrors: list[MirrorRecord] = field(default_factory=list)
    requests: list[ApprovalRequest] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    incidents: list[StoreIncident] = field(default_factory=list)
    exceptions: list[OpsException] = field(default_factory=list)
    events: list[ExceptionEvent] = field(default_factory=list)
    incident_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    stuck_incidents: int = 0

    def __post_init__(self) -> None:
        self.start = self.now - timedelta(days=self.days)
        feeds_ensure()
        self.feeds = {feed.slug: feed for feed in Feed.objects.all()}
        self.rules = rules_ensure()

    # -- shared ------------------------------------------------------------------------------------

    def _arrivals(self, profile: Profile, per_day: float, week: tuple[float, ...], first_hour: float,
                  last_hour: float) -> Iterator[datetime]:
        """Moments work arrived at the store over the period, in its local opening hours."""
        zone = zoneinfo.ZoneInfo(profile.store.timezone)
        today = timezone.localtime(self.now, zone).date()
        for back in range(self.days, -1, -1):
            day: date = today - timedelta(days=back)
            for _ in range(poisson(self.rng, per_day * profile.volume * week[day.weekday()])):
                hour = self.rng.uniform(first_hour, last_hour)
                moment = datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=hour)
                if self.start <= moment < self.now:
                    yield moment

    def _duration(self, profile: Profile, opened: datetime, median: timedelta, spread: float) -> timedelta:
        """Log-normal around the median, scaled by the store's pace and by how far into the period."""
        progress = (opened - self.start) / (self.now - self.start)
        scale = profile.pace * (1 + IMPROVEMENT / 2 - IMPROVEMENT * progress)
        return max(median * scale * math.exp(self.rng.gauss(0, spread)), timedelta(minutes=4))

    def _finished(self, ended: datetime) -> bool:
        return ended <= self.now - SETTLED

    def store(self, profile: Profile) -> None:
        self._approvals(profile)
        self._incidents(profile)
        self._exceptions(profile)
        if profile.slow:  # something stuck for days, so overdue work shows where it usually is
            self._incident(profile, self.now - timedelta(hours=self.rng.uniform(40, 120)), stuck=True)
            self._exception(profile, self.now - timedelta(hours=self.rng.uniform(30, 90)), stuck=True)

    # -- approvals ---------------------------------------------------------------------------------

    def _approvals(self, profile: Profile) -> None:
        kinds = {kind: kind[2] for kind in APPROVAL_KINDS}
        tier1 = timedelta(hours=float(approvals_conf.DEFAULT_SLA_HOURS))
        tier2_hours = Decimal(str(approvals_conf.ESCALATION_SLA_HOURS))
        store, region = profile.store, profile.store.region.name
        for number, requested in enumerate(self._arrivals(profile, APPROVALS_PER_DAY, OFFICE_WEEK, 7.5, 19), 1):
            slug, tag, _, median_amount, approved_state, rejected_state = pick(self.rng, kinds)
            decided = requested + self._duration(profile, requested, APPROVAL_CYCLE_HOURS * HOUR, APPROVAL_SPREAD)
            if not self._finished(decided):
                continue  # still waiting: Odoo does not have it, so only the sandbox's own requests are open
            feed, odoo_id = self.feeds[slug], next(self.odoo_ids)
            approved = self.rng.random() < 0.88
            state = approved_state if approved else rejected_state
            amount = Decimal(str(round(median_amount * math.exp(self.rng.gauss(0, 0.8)), 2)))
            if slug == "stock-counts":
                amount = Decimal(self.rng.choice((-1, 1)) * self.rng.randint(5, 40))
            reference = f"{REFERENCE_PREFIX}{store.code}-{tag}{number:04d}"
            requester = self.rng.choice(STAFF)
            partner = self.rng.choice(CUSTOMERS if slug == "customer-refunds" else VENDORS)
            seen = decided + timedelta(seconds=self.rng.randint(20, 90))  # the write-back, then the sync
            mirror = MirrorRecord(
                feed=feed, odoo_id=odoo_id, store=store, odoo_write_date=seen, first_seen_at=requested,
                synced_at=seen, closed_at=seen, close_reason=LEFT_DOMAIN,
                values={"name": reference, "state": state, "partner_id": [1, partner],
                        feed.settings.get("amount_field", "amount_total"): float(amount),
                        feed.settings.get("requester_field", "user_id"): [2, requester]})
            request = ApprovalRequest(
                mirror=mirror, feed=feed, kind=slug, kind_label=feed.name, store=store, odoo_model=feed.odoo_model,
                odoo_id=odoo_id, reference=reference, partner="" if slug == "stock-counts" else partner,
                amount=amount, currency="GBP", requester_name=requester, odoo_state=state, odoo_open=False,
                requested_at=requested, status=ApprovalStatus.APPROVED if approved else ApprovalStatus.REJECTED,
                policy_label="default policy", required_role=Role.REGIONAL_MANAGER, escalation_role=Role.HQ_EXECUTIVE,
                escalation_sla_hours=tier2_hours, decided_at=decided)
            _deadlines(request, start=requested, deadline=requested + tier1, decided=decided)
            if decided > request.deadline:  # the deadline check escalated it to HQ at the first deadline
                escalated = request.deadline
                request.tier, request.required_role, request.escalated_at = 2, Role.HQ_EXECUTIVE, escalated
                _deadlines(request, start=escalated, deadline=escalated + float(tier2_hours) * HOUR, decided=decided)
            self.mirrors.append(mirror)
            self.requests.append(request)
            self.decisions.append(Decision(
                request=request, outcome=Outcome.APPROVE if approved else Outcome.REJECT,
                comment="" if approved else self.rng.choice(REJECTION_REASONS), tier=request.tier,
                actor_label="HQ executive" if request.tier == 2 else f"{region} regional manager",
                policy_label=request.policy_label))

    # -- incidents ---------------------------------------------------------------------------------

    def _incidents(self, profile: Profile) -> None:
        for created in self._arrivals(profile, INCIDENTS_PER_DAY, SHOP_WEEK, 6.5, 21.5):
            self._incident(profile, created)

    def _incident(self, profile: Profile, created: datetime, *, stuck: bool = False) -> None:
        self.stuck_incidents += int(stuck)
        compliance = stuck and self.stuck_incidents % 2 == 1  # every other stuck one: an open compliance item
        category = Category.COMPLIANCE if compliance else pick(self.rng, CATEGORY_SHARES)
        urgency = self.rng.choice((Urgency.MEDIUM, Urgency.HIGH)) if stuck else pick(self.rng, URGENCY_SHARES)
        sla = float(incidents_conf.SLA_HOURS[urgency]) * HOUR
        title = self.rng.choice(INCIDENT_TITLES[category]).format(n=self.rng.randint(1, 12))
        incident = StoreIncident(
            store=profile.store, category=category, urgency=urgency, title=title, created_at=created,
            deadline=created + sla, odoo_model=odoo_model_for(category), triage_confidence=round(
                self.rng.uniform(0.6, 0.97), 2))
        closed = None if stuck else created + self._duration(profile, created, sla * INCIDENT_SLA_SHARE,
                                                             INCIDENT_SPREAD)
        if closed is not None and self._finished(closed):
            incident.reference = f"{REFERENCE_PREFIX}{profile.store.code}-{next(self.incident_numbers):05d}"
            incident.odoo_id = next(self.odoo_ids)
            incident.odoo_name = f"{title} [{incident.reference}]"
            incident.status = IncidentStatus.RESOLVED if self.rng.random() < 0.9 else IncidentStatus.CLOSED
            incident.closed_at = incident.odoo_synced_at = closed
        else:  # reported in the portal, waiting for the outbox to create it in Odoo
            incident.reference = "CT-" + "".join(self.rng.choice(_REFERENCE_ALPHABET) for _ in range(8))
            incident.status = IncidentStatus.QUEUED
            closed = self.now
        late_by = closed - incident.deadline
        if late_by > timedelta(0):  # the scheduler escalated it at the deadline, and to HQ hours later
            hq_after = float(incidents_conf.HQ_ESCALATION_HOURS) * HOUR
            incident.escalation_tier = EscalationTier.HQ if late_by > hq_after else EscalationTier.REGION
            incident.escalated_at = incident.deadline + (hq_after if late_by > hq_after else timedelta(0))
        self.incidents.append(incident)

    # -- exceptions --------------------------------------------------------------------------------

    def _exceptions(self, profile: Profile) -> None:
        for opened in self._arrivals(profile, EXCEPTIONS_PER_DAY, OFFICE_WEEK, 6, 20):
            self._exception(profile, opened)

    def _exception(self, profile: Profile, opened: datetime, *, stuck: bool = False) -> None:
        kind = ExceptionKind.LATE_RECEIPT if stuck else pick(self.rng, EXCEPTION_SHARES)
        rule = self.rules[kind]
        deadline = opened + rule.deadline_hours * HOUR
        ended = None if stuck else opened + self._duration(profile, opened, rule.deadline_hours * HOUR
                                                            * EXCEPTION_SLA_SHARE, EXCEPTION_SPREAD)
        finished = ended is not None and self._finished(ended)
        if not finished and kind not in OPEN_EXCEPTION_KINDS:
            kind = self.rng.choice(OPEN_EXCEPTION_KINDS)
            rule = self.rules[kind]
            deadline = opened + rule.deadline_hours * HOUR
        model, title, detail, quantity, value = _exception_record(self.rng, profile.store, kind, opened)
        exception = OpsException(
            store=profile.store, kind=kind, odoo_model=model, odoo_id=next(self.odoo_ids), title=english(title)[:200],
            detail=english(detail)[:300], wording={"title": data_of(title), "detail": data_of(detail)},
            quantity=quantity, value_at_risk=value, opened_at=opened, started_at=opened, deadline=deadline,
            condition_active=not finished)
        exception.severity = severity_for(rule, started_at=opened, value=value,
                                          now=ended if finished and ended is not None else self.now)
        self.exceptions.append(exception)
        self.events.append(ExceptionEvent(exception=exception, at=opened, action=EventAction.OPENED,
                                          to_status=ExceptionStatus.OPEN, severity=rule.base_severity))
        if not finished or ended is None:
            exception.status = ExceptionStatus.OPEN
            return
        if self.rng.random() < 0.6:  # a person handled it
            acknowledged = opened + (ended - opened) * self.rng.uniform(0.1, 0.5)
            exception.status, exception.acknowledged_at = ExceptionStatus.RESOLVED, acknowledged
            exception.resolved_at, exception.resolution_note = ended, "Sorted with the supplier / recounted."
            self.events.append(ExceptionEvent(exception=exception, at=acknowledged, action=EventAction.ACKNOWLEDGED,
                                              from_status=ExceptionStatus.OPEN,
                                              to_status=ExceptionStatus.ACKNOWLEDGED))
            self.events.append(ExceptionEvent(exception=exception, at=ended, action=EventAction.RESOLVED,
                                              from_status=ExceptionStatus.ACKNOWLEDGED,
                                              to_status=ExceptionStatus.RESOLVED, note=exception.resolution_note))
        else:  # Odoo cleared the condition (received, counted, reordered)
            exception.status, exception.closed_at = ExceptionStatus.CLOSED, ended
            self.events.append(ExceptionEvent(exception=exception, at=ended, action=EventAction.CLOSED,
                                              from_status=ExceptionStatus.OPEN, to_status=ExceptionStatus.CLOSED))

    # -- saving ------------------------------------------------------------------------------------

    def save(self) -> HistorySeed:
        MirrorRecord.objects.bulk_create(self.mirrors, batch_size=500)
        ApprovalRequest.objects.bulk_create(self.requests, batch_size=500)
        Decision.objects.bulk_create(self.decisions, batch_size=500)
        StoreIncident.objects.bulk_create(self.incidents, batch_size=500)
        OpsException.objects.bulk_create(self.exceptions, batch_size=500)
        ExceptionEvent.objects.bulk_create(self.events, batch_size=1000)
        # Timestamps Django sets to "now" on insert, put back where the work happened.
        ids = [request.pk for request in self.requests]
        ApprovalRequest.objects.filter(pk__in=ids).update(created_at=F("requested_at"), updated_at=F("decided_at"))
        decided_at = ApprovalRequest.objects.filter(pk=OuterRef("request_id")).values("decided_at")[:1]
        Decision.objects.filter(request_id__in=ids).update(created_at=Subquery(decided_at))
        queued = [incident for incident in self.incidents if incident.status == IncidentStatus.QUEUED]
        WriteBack.objects.bulk_create([
            WriteBack(idempotency_key=create_key(incident), kind=KIND_CREATE, store=incident.store,
                      odoo_model=incident.odoo_model, payload={"incident_id": incident.pk, "photo_ids": []},
                      source_type=StoreIncident._meta.label_lower, source_id=str(incident.pk))
            for incident in queued])
        deadlines = [incident.deadline for incident in queued] + [
            exception.deadline for exception in self.exceptions if exception.status == ExceptionStatus.OPEN]
        overdue = sum(1 for deadline in deadlines if deadline is not None and deadline < self.now)
        return HistorySeed(finished=len(self.requests) + len(self.incidents) + len(self.exceptions) - len(deadlines),
                           open=len(deadlines), overdue=overdue, days=self.days)


def _deadlines(request: ApprovalRequest, *, start: datetime, deadline: datetime, decided: datetime) -> None:
    """A deadline and its reminders, as `policy.deadline_set` and the deadline check leave them."""
    request.deadline = deadline
    request.remind_at = start + (deadline - start) * float(approvals_conf.REMINDER_SHARE)
    request.reminded_at = request.remind_at if decided > request.remind_at else None
    request.due_notified_at = deadline if decided > deadline else None


def _exception_record(rng: random.Random, store: Store, kind: str, opened: datetime
                      ) -> tuple[str, Phrase, Phrase, Decimal, Decimal]:
    """Odoo model, title, detail, quantity and value at risk, worded as the rules word them (the same
    phrases, so each reader gets them in their language)."""
    product = rng.choice(PRODUCTS)
    unit_cost = Decimal(str(round(rng.uniform(0.4, 8.0), 2)))
    quantity = Decimal(rng.randint(5, 40))
    location, D, said = f"{store.code}/Stock", Decimal, phrase
    if kind == ExceptionKind.LATE_RECEIPT:
        model, quantity, title = "stock.picking", D(0), said("%(receipt)s from %(partner)s", partner=rng.choice(
            VENDORS), receipt=f"{store.code}/IN/{rng.randint(1, 99999):05d}")
        detail = said("Receipt scheduled %(when)s (%(state)s)", when=Moment(timezone.localtime(opened - 2 * HOUR)),
                      state="assigned")
    elif kind == ExceptionKind.COUNT_DISCREPANCY:
        system, difference = rng.randint(10, 120), rng.choice((-1, 1)) * int(quantity)
        model, title = "stock.quant", said("%(product)s: counted %(counted)s, system %(system)s", product=product,
                                           counted=Amount(D(system + difference)), system=Amount(D(system)))
        detail = said("Difference %(difference)s at %(location)s", difference=Signed(D(difference)), location=location)
    elif kind == ExceptionKind.NEGATIVE_STOCK:
        title = said("%(product)s: %(quantity)s on hand", product=product, quantity=Amount(-quantity))
        model, detail = "stock.quant", said("Negative stock at %(location)s", location=location)
    else:
        model, title = "stock.warehouse.orderpoint", said("%(product)s: forecast %(forecast)s below minimum "
                                                          "%(minimum)s", product=product, minimum=Amount(D(12)),
                                                          forecast=Amount(D(rng.randint(0, 9))))
        detail = said("%(quantity)s to order", quantity=Amount(quantity))
    return model, title, detail, quantity, (quantity * unit_cost).quantize(Decimal("0.01"))
