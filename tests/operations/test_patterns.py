"""Unusual patterns: the held-out check, the explained exception, quiet stores, peers, the log."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.operations.models import ExceptionKind, OpsException, PatternCheck
from apps.operations.patterns.demo import Refund, demo_unusual_week_seed, refunds_add
from apps.operations.patterns.detector import MODEL_VERSION
from apps.operations.patterns.evaluation import evaluate
from apps.operations.patterns.services import unusual_patterns_detect
from apps.writeback.models import WriteBack
from tests.factories import make_network

pytestmark = pytest.mark.django_db


def test_it_finds_injected_anomalies_with_few_false_alerts_on_held_out_history() -> None:
    result = evaluate()
    assert result.injected >= 40
    assert result.recall >= 0.9
    assert result.false_per_50 <= 1.0


def test_it_prints_both_figures_of_the_held_out_check() -> None:
    out = StringIO()
    call_command("anomaly_eval", stdout=out)
    text = out.getvalue()
    assert "injected anomalies (" in text
    assert "per 50 store-weeks" in text


def _steady(store, now, *, per_week: int, size: float, weeks: int = 9, seed: int = 1) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    refunds = [Refund(at=now - timedelta(days=7 * week) - timedelta(hours=rng.uniform(1, 160)),
                      amount=Decimal(str(round(size * rng.uniform(0.7, 1.3), 2))),
                      cashier=rng.choice(["Ann", "Bob", "Cy", "Di"]))
               for week in range(weeks) for _ in range(per_week)]
    refunds_add(store, refunds, prefix=f"T{store.code}-")


def test_it_opens_one_exception_explained_in_numbers_for_an_unusual_refund_week() -> None:
    network, now = make_network(), timezone.now()
    for number, store in enumerate([network.store_a, network.store_b, network.store_c, network.store_d]):
        _steady(store, now, per_week=12, size=85, seed=number)
    spike = [Refund(at=now - timedelta(hours=10 + i), amount=Decimal("300"), cashier="Jamie Cole") for i in range(3)]
    spike += [Refund(at=now - timedelta(hours=30 + i), amount=Decimal("150"), cashier="Other") for i in range(12)]
    refunds_add(network.store_a, spike, prefix="SPIKE-")

    run = unusual_patterns_detect(now=now)

    exceptions = list(OpsException.objects.filter(kind=ExceptionKind.UNUSUAL_PATTERN))
    assert [e.store for e in exceptions] == [network.store_a]
    detail = exceptions[0].detail
    assert "Refunds this week £" in detail
    assert "\u00d7 this store's 8-week median £" in detail
    assert "3 of the 5 largest by one cashier (Jamie Cole)" in detail
    assert run.opened == 1
    assert run.checked >= 8
    logged = PatternCheck.objects.filter(store=network.store_a, metric="refund_value").get()
    assert logged.unusual
    assert logged.exception == exceptions[0]
    assert logged.model_version == MODEL_VERSION
    assert len(logged.inputs["history"]) == 8
    assert logged.inputs["peer_ratio_median"] is not None
    assert PatternCheck.objects.filter(unusual=False).exists()  # every figure looked at is logged

    again = unusual_patterns_detect(now=now + timedelta(hours=6))
    assert again.opened == 0
    assert OpsException.objects.filter(kind=ExceptionKind.UNUSUAL_PATTERN).count() == 1
    # It never decides anything: no request changed, nothing written to Odoo.
    assert not ApprovalRequest.objects.exclude(status=ApprovalStatus.APPROVED).exists()
    assert not WriteBack.objects.exists()


def test_it_leaves_a_quiet_store_alone() -> None:
    network, now = make_network(), timezone.now()
    for number, store in enumerate([network.store_b, network.store_c, network.store_d]):
        _steady(store, now, per_week=12, size=85, seed=number)
    _steady(network.store_a, now, per_week=1, size=20)
    refunds_add(network.store_a, [Refund(at=now - timedelta(hours=5 + i), amount=Decimal("60"), cashier="Ann")
                                  for i in range(4)], prefix="QUIET-")  # five times its usual, but £260

    unusual_patterns_detect(now=now)

    assert not OpsException.objects.filter(kind=ExceptionKind.UNUSUAL_PATTERN).exists()
    reasons = set(PatternCheck.objects.filter(store=network.store_a).values_list("inputs__reason", flat=True))
    assert "below the minimum volume" in reasons


def test_it_does_not_alert_when_every_store_rises_alike() -> None:
    network, now = make_network(), timezone.now()
    for number, store in enumerate([network.store_a, network.store_b, network.store_c, network.store_d]):
        _steady(store, now, per_week=12, size=85, seed=number)
        refunds_add(store, [Refund(at=now - timedelta(hours=20 + i), amount=Decimal("200"), cashier="Ann")
                            for i in range(10)], prefix=f"BUSY{number}-")

    unusual_patterns_detect(now=now)

    assert not OpsException.objects.filter(kind=ExceptionKind.UNUSUAL_PATTERN).exists()
    assert "peers rose alike" in set(PatternCheck.objects.values_list("inputs__reason", flat=True))


def test_the_demo_seeds_one_unusual_refund_week() -> None:
    network, now = make_network(), timezone.now()
    for number, store in enumerate([network.store_a, network.store_b, network.store_c, network.store_d]):
        _steady(store, now, per_week=10, size=70, seed=number + 10)

    assert demo_unusual_week_seed(store=network.store_a, now=now) > 0

    opened = OpsException.objects.filter(kind=ExceptionKind.UNUSUAL_PATTERN)
    assert [e.store for e in opened] == [network.store_a]
    assert demo_unusual_week_seed(store=network.store_a, now=now) == 0  # once


def test_on_the_demo_history_the_seeded_week_is_the_one_explained() -> None:
    from apps.dashboards.demo_history import demo_history_seed
    from apps.organisation.demo import demo_network_seed
    from apps.organisation.models import Store

    demo_network_seed(password_for=lambda username: "demo-password-1")
    demo_history_seed(days=63)
    first = Store.objects.filter(active=True).order_by("code").first()

    assert demo_unusual_week_seed() > 0

    opened = OpsException.objects.filter(kind=ExceptionKind.UNUSUAL_PATTERN)
    assert first in {e.store for e in opened}
    explained = opened.get(store=first)
    assert "Refunds this week" in explained.detail
    assert "largest by one cashier (Jamie Cole)" in explained.detail


def test_a_store_with_no_usual_week_is_recorded_with_a_finite_ratio() -> None:
    """Eight quiet weeks (median 0) and refunds now: the ratio is infinite, and JSON has no Infinity."""
    import json

    from apps.operations.patterns.detector import HISTORY_WEEKS, assess
    from apps.operations.patterns.metrics import metrics

    metric = metrics()[0]
    finding = assess(metric, 500.0, [0.0] * HISTORY_WEEKS)
    assert finding.ratio == float("inf")
    assert json.loads(json.dumps(finding.inputs(), allow_nan=False))["ratio"] == 1e6
