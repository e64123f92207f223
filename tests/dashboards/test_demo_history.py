"""The demo history: ninety days of finished work that gives a fresh demo's dashboards figures, stays
in its stores' scope, is written once, and is left alone by the sync's reconciliation."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus, Decision
from apps.dashboards import kpis
from apps.dashboards.demo_history import HISTORY_ODOO_ID_BASE, REFERENCE_PREFIX, HistorySeed, demo_history_seed
from apps.dashboards.periods import Period
from apps.dashboards.scope import Viewer
from apps.incidents.models import OPEN_STATUSES, IncidentStatus, StoreIncident
from apps.incidents.services.followup import incidents_escalate
from apps.operations.models import ACTIVE_STATUSES, OpsException
from apps.operations.services import exceptions_refresh
from apps.organisation.demo import demo_network_seed
from apps.organisation.demo_network import REGIONS
from apps.organisation.models import Store
from apps.sync.models import Feed, MirrorRecord
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_run
from tests.dashboards.conftest import signed_in
from tests.operations.builders import feeds_ready, sync

pytestmark = pytest.mark.django_db
TILES = ("cycle", "resolution", "closure", "sla", "directives")


@pytest.fixture
def demo_network(db: None) -> None:
    demo_network_seed(password_for=lambda username: "demo-password")


@pytest.fixture
def history(demo_network: None) -> HistorySeed:
    """Three weeks of it (a quarter of the demo's, and as much quicker): enough for a 7-day period and
    the one before, for scope, idempotency and reconciliation."""
    return demo_history_seed(days=21)


def person(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def section(body: str, panel_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{panel_id}".*?</section>', body, re.S)
    assert match, panel_id
    return match.group(0)


def tile(body: str, key: str) -> dict[str, str]:
    match = re.search(rf'data-kpi="{key}">.*?class="tile-value">(.*?)</span>\s*<span class="tile-detail">(.*?)</span>'
                      rf'.*?class="tile-trend[^"]*">(.*?)</span>', body, re.S)
    assert match, key
    return dict(zip(("value", "detail", "trend"), match.groups(), strict=True))


def overdue_rows(table: str) -> list[str]:
    return re.findall(r'<tr data-code="(\w+)" class="has-overdue">', table)


def test_it_gives_every_hq_tile_a_figure_and_a_change_against_the_previous_period(demo_network: None) -> None:
    history = demo_history_seed()
    assert history.days == 90
    assert history.finished > 10_000
    client = signed_in(person("hq.executive"))
    for period in ("7d", "30d", "90d"):
        body = client.get(f"/dashboards/hq/?period={period}").content.decode()
        for key in TILES:
            shown = tile(section(body, "hq-tiles"), key)
            assert shown["value"] != "no data", (period, key)
            assert "no data" not in shown["detail"], (period, key)  # the p90s too
            if period != "90d":  # a change: neither "same as" nor "no figure for" the period before
                assert "than the" in shown["trend"], (period, key, shown)


def test_it_leaves_overdue_work_in_every_region_and_ranks_its_slow_stores_first(history: HistorySeed) -> None:
    hq = signed_in(person("hq.executive"))
    body = hq.get("/dashboards/hq/").content.decode()
    regions = hq.get("/dashboards/hq/panels/regions/").content.decode()  # loaded after the page
    assert set(overdue_rows(section(regions, "hq-regions"))) == {region.code for region in REGIONS}
    breaches = section(body, "hq-breaches")
    assert "<li>incidents: 0</li>" not in breaches
    assert "<li>exceptions: 0</li>" not in breaches
    assert 'class="num status-bad"' in breaches
    for region in REGIONS:
        stores = section(hq.get(f"/dashboards/region/{region.code}/").content.decode(), "region-stores")
        late = overdue_rows(stores)
        assert late, region.code
        ranked = re.findall(r'<tr data-code="(\w+)"', stores)
        assert ranked[:len(late)] == late  # worst first: the stores with overdue work lead


def test_it_makes_a_couple_of_stores_per_region_consistently_slower(history: HistorySeed) -> None:
    viewer = Viewer(person("hq.executive"))
    figures = kpis.store_figures(viewer, Period(days=30, end=timezone.now()))
    codes = dict(Store.objects.values_list("pk", "code"))
    for region in REGIONS:
        sla = sorted((figures[pk].sla or 0, code) for pk, code in codes.items() if code.startswith(region.code[0]))
        worst, best = sla[0][0], sla[-1][0]
        assert worst < best - 10, (region.code, sla)
        cycles = [figures[pk].cycle_p50 for pk, code in codes.items() if code.startswith(region.code[0])]
        assert max(c for c in cycles if c) > 1.4 * min(c for c in cycles if c), region.code


def test_it_writes_finished_work_as_the_services_leave_it(history: HistorySeed) -> None:
    requests = ApprovalRequest.objects.filter(reference__startswith=REFERENCE_PREFIX)
    assert requests.count() == Decision.objects.filter(request__in=requests).count() > 1000
    assert not requests.filter(status=ApprovalStatus.OPEN).exists()
    assert not requests.filter(odoo_open=True).exists()
    assert not requests.filter(odoo_id__lt=HISTORY_ODOO_ID_BASE).exists()
    assert not MirrorRecord.objects.filter(odoo_id__gte=HISTORY_ODOO_ID_BASE, closed_at__isnull=True).exists()
    late = requests.filter(tier=2)
    assert late.exists()
    assert all(r.escalated_at and r.escalated_at < r.decided_at for r in late[:50])  # type: ignore[operator]
    sample = requests.order_by("requested_at").first()
    assert sample is not None
    assert sample.created_at == sample.requested_at
    assert sample.requested_at < timezone.now() - timedelta(days=history.days - 2)
    assert Decision.objects.get(request=sample).created_at == sample.decided_at
    assert StoreIncident.objects.filter(reference__startswith=REFERENCE_PREFIX, category="compliance").exists()
    assert not StoreIncident.objects.filter(reference__startswith=REFERENCE_PREFIX, closed_at__isnull=True).exists()


@pytest.mark.usefixtures("compiled_catalogs")
def test_its_exceptions_read_in_each_readers_language(history: HistorySeed) -> None:
    """Worded with the rules' phrases, so a French reader of the demo reads them in French."""
    from django.utils import translation

    exceptions = OpsException.objects.filter(odoo_id__gte=HISTORY_ODOO_ID_BASE)
    assert exceptions.exists()
    assert not exceptions.filter(wording={}).exists()
    counted = exceptions.filter(kind="count_discrepancy").first()
    assert counted is not None
    assert counted.title_text == counted.title  # English: the stored column
    assert ": counted " in counted.title
    with translation.override("fr"):
        assert " : compté " in counted.title_text, counted.title_text
        assert counted.detail_text != counted.detail


def test_it_leaves_open_incidents_waiting_for_the_outbox_and_already_escalated(history: HistorySeed) -> None:
    queued = StoreIncident.objects.filter(status=IncidentStatus.QUEUED)
    assert queued.exists()
    assert queued.filter(deadline__lt=timezone.now(), category="compliance").exists()
    keys = {f"incident-create-{incident.reference}" for incident in queued}
    outbox = WriteBack.objects.filter(status=WriteBackStatus.QUEUED)
    assert set(outbox.values_list("idempotency_key", flat=True)) == keys
    assert not queued.filter(deadline__lt=timezone.now(), escalation_tier=0).exists()
    assert incidents_escalate() == 0  # the scheduler's first pass sends no burst of notices
    assert history.open == queued.count() + OpsException.objects.filter(status__in=ACTIVE_STATUSES).count()
    assert history.overdue > 0


def test_it_adds_nothing_the_second_time(history: HistorySeed) -> None:
    counts = [model.objects.count() for model in (ApprovalRequest, StoreIncident, OpsException, WriteBack)]
    again = demo_history_seed()
    assert again.created == 0
    assert [model.objects.count() for model in (ApprovalRequest, StoreIncident, OpsException, WriteBack)] == counts


def test_it_writes_the_same_history_from_the_same_seed(demo_network: None) -> None:
    now = timezone.now()

    def written() -> list[Any]:
        demo_history_seed(days=14, now=now)
        rows = [list(ApprovalRequest.objects.order_by("reference").values_list("reference", "decided_at", "amount")),
                list(StoreIncident.objects.order_by("reference").values_list("reference", "created_at", "closed_at")),
                list(OpsException.objects.order_by("odoo_id").values_list("title", "opened_at", "status"))]
        MirrorRecord.objects.all().delete()
        StoreIncident.objects.all().delete()
        OpsException.objects.all().delete()
        WriteBack.objects.all().delete()
        return rows

    assert written() == written()


def test_it_is_written_by_the_demo_seed_once(db: None, settings: Any, tmp_path: Any) -> None:
    settings.VAR_DIR = tmp_path
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert re.search(r"Demo history: \d+ finished items over 90 days, \d+ still open \(\d+ overdue\)",
                     first.getvalue())
    assert "Demo history: already there, nothing added" in second.getvalue()


def test_it_shows_a_store_manager_only_the_own_store_history(history: HistorySeed) -> None:
    manager = person("store.manager")
    own = Store.objects.get(code="N01")
    client = signed_in(manager)
    body = client.get("/dashboards/store/N01/").content.decode()
    mine, others = 0, 0
    for incident in StoreIncident.objects.filter(status__in=OPEN_STATUSES):
        link = f'href="{reverse("incidents:detail", args=[incident.pk])}"'
        if incident.store_id == own.pk:
            mine += 1
            assert link in body
        else:
            others += 1
            assert link not in body
    for exception in OpsException.objects.filter(status__in=ACTIVE_STATUSES):
        link = f'href="{reverse("operations:detail", args=[exception.pk])}"'
        assert (link in body) == (exception.store_id == own.pk)
    assert mine
    assert others
    export = client.get("/dashboards/store/N01/export/incidents.csv").content.decode()
    assert not [code for code in Store.objects.exclude(pk=own.pk).values_list("code", flat=True)
                if f"{REFERENCE_PREFIX}{code}-" in export]
    assert client.get("/dashboards/store/N02/").status_code in (403, 404)
    viewer = Viewer(manager)
    for model in (ApprovalRequest, StoreIncident, OpsException):
        assert set(viewer.narrow(model.objects.all()).values_list("store__code", flat=True)) == {"N01"}


# -- against the Odoo sandbox ------------------------------------------------------------------------

def history_rows() -> list[Any]:
    """Everything a periodic pass could change on the finished history and the open exceptions."""
    return [
        sorted(ApprovalRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list(
            "pk", "status", "odoo_open", "decided_at", "deadline", "tier", "closed_outcome", "updated_at")),
        sorted(MirrorRecord.objects.filter(odoo_id__gte=HISTORY_ODOO_ID_BASE).values_list(
            "pk", "closed_at", "close_reason", "odoo_write_date", "values")),
        sorted(StoreIncident.objects.filter(reference__startswith=REFERENCE_PREFIX).values_list(
            "pk", "status", "closed_at", "odoo_id", "updated_at")),
        sorted(OpsException.objects.filter(odoo_id__gte=HISTORY_ODOO_ID_BASE).values_list(
            "pk", "status", "severity", "resolved_at", "closed_at", "condition_active", "updated_at")),
    ]


def test_a_sync_and_reconciliation_pass_against_odoo_leaves_the_history_as_it_was(
        history: HistorySeed, odoo: Any) -> None:
    before = history_rows()
    feeds_ready()
    for feed in Feed.objects.filter(enabled=True).order_by("slug"):
        sync(feed.slug, odoo)
        sync(feed.slug, odoo, reconcile=True)
    exceptions_refresh(gateway=odoo)
    assert ApprovalRequest.objects.exclude(reference__startswith=REFERENCE_PREFIX).exists()  # the sync did work
    assert history_rows() == before


def test_open_incidents_become_odoo_records_and_stay_open_and_overdue_after_reconciliation(
        history: HistorySeed, odoo: Any) -> None:
    overdue = StoreIncident.objects.filter(status=IncidentStatus.QUEUED, deadline__lt=timezone.now())
    chosen = list(overdue.order_by("deadline")[:4])
    assert chosen
    for incident in chosen:
        result = writeback_run(WriteBack.objects.get(idempotency_key=f"incident-create-{incident.reference}").pk,
                               gateway=odoo)
        assert result is not None
        assert result.status == WriteBackStatus.APPLIED, result.last_error
    feeds_ready()
    for slug in ("maintenance-requests", "incident-tasks"):
        sync(slug, odoo)
        sync(slug, odoo, reconcile=True)
    for incident in chosen:
        incident.refresh_from_db()
        assert incident.odoo_id is not None
        assert incident.status in OPEN_STATUSES
        assert incident.closed_at is None
        assert incident.deadline < timezone.now()
        assert incident.odoo_synced_at is not None  # followed by the sync, not duplicated from Odoo
        mirrored = MirrorRecord.objects.get(feed__odoo_model=incident.odoo_model, odoo_id=incident.odoo_id)
        assert mirrored.closed_at is None
