"""The projectors' insert and update path (`apps.sync.bulk`) stores exactly what Django's `bulk_create`
and `bulk_update` store: on PostgreSQL through typed arrays, elsewhere through the ORM itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.incidents.models import StoreIncident
from apps.operations.models import ExceptionEvent, OpsException
from apps.sync.bulk import _insert_plan, instances_new, rows_insert, rows_update
from apps.sync.models import Feed, FeedKind, MirrorRecord

pytestmark = pytest.mark.django_db
COMPARED = [field.attname for field in ApprovalRequest._meta.concrete_fields
            if field.attname not in ("id", "mirror_id", "odoo_id", "created_at", "updated_at", "requested_at")]


def requests_for(feed: Feed, store, odoo_ids: range) -> list[ApprovalRequest]:  # type: ignore[no-untyped-def]
    """Unsaved requests with every kind of value a projector sets: enum members, decimals given as
    other types, JSON lists, nullable foreign keys left empty, aware datetimes, defaults untouched."""
    requests = []
    for odoo_id in odoo_ids:
        mirror = MirrorRecord.objects.create(feed=feed, odoo_id=odoo_id, values={"name": f"R{odoo_id}"},
                                             odoo_write_date=timezone.now())
        requests.append(ApprovalRequest(
            mirror=mirror, feed=feed, kind=feed.slug, kind_label=feed.name, store=store, odoo_model="account.move",
            odoo_id=odoo_id, reference=f"R/{odoo_id % 10}", partner="Ängström & Co — ünïcode", amount=Decimal("12.5"),
            currency="EUR", requester_odoo_ids=[7, odoo_id % 10], odoo_state="draft", status=ApprovalStatus.OPEN,
            escalation_sla_hours=8, deadline=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
            remind_at=None))
    return requests


@pytest.fixture
def feed() -> Feed:
    return Feed.objects.create(slug="refunds", name="Refunds", kind=FeedKind.APPROVAL, odoo_model="account.move",
                               fields=["name"])


def test_inserted_rows_read_back_as_bulk_create_writes_them(network, feed) -> None:
    ours = requests_for(feed, network.store_a, range(1, 4))
    theirs = requests_for(feed, network.store_a, range(11, 14))
    before = timezone.now()
    assert rows_insert(ours) == ours
    ApprovalRequest.objects.bulk_create(theirs)
    assert all(request.pk is not None for request in ours)
    assert all(not request._state.adding and request._state.db == "default" for request in ours)
    stored = {request.odoo_id: request for request in ApprovalRequest.objects.all()}
    for mine, django in zip(ours, theirs, strict=True):
        got, expected = stored[mine.odoo_id], stored[django.odoo_id]
        assert got.pk == mine.pk
        assert got.mirror_id == mine.mirror.pk
        assert {name: getattr(got, name) for name in COMPARED} == {name: getattr(expected, name) for name in COMPARED}
        assert before <= got.created_at == mine.created_at  # auto_now_add
        assert got.updated_at == mine.updated_at  # auto_now
        assert got.requested_at == mine.requested_at  # a callable default, taken when the instance was built
        assert got.requester_odoo_ids == [7, mine.odoo_id % 10]
        assert got.amount == Decimal("12.50")
        assert (got.assignee_id, got.policy_id, got.round) == (None, None, 1)  # nullable FKs, a default


def test_a_related_row_saved_after_it_was_assigned_lends_its_key(network, feed) -> None:
    mirror = MirrorRecord(feed=feed, odoo_id=5, values={}, odoo_write_date=timezone.now())
    request = ApprovalRequest(
        mirror=mirror, feed=feed, kind="refunds", kind_label="Refunds", store=network.store_b, odoo_model="m",
        odoo_id=5, reference="R5", deadline=timezone.now())
    with pytest.raises(ValueError, match="unsaved related object 'mirror'"):
        rows_insert([request])
    mirror.save()
    rows_insert([request])
    assert ApprovalRequest.objects.get(pk=request.pk).mirror_id == mirror.pk


def test_an_overlong_value_is_refused_not_cut(network, feed) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce lengths")
    request = requests_for(feed, network.store_a, range(1, 2))[0]
    request.currency = "X" * 17
    with pytest.raises(DataError), transaction.atomic():
        rows_insert([request])


def test_updates_write_only_the_named_fields(network, feed) -> None:
    requests = rows_insert(requests_for(feed, network.store_a, range(1, 4)))
    ApprovalRequest.objects.filter(pk=requests[0].pk).update(partner="changed elsewhere")
    later = timezone.now() + timedelta(hours=1)
    for request in requests:
        request.status, request.closed_outcome, request.updated_at = ApprovalStatus.CLOSED, "Approved in Odoo", later
        request.amount, request.partner = 3, "not written"
        request.assignee = network.hq
    assert rows_update(requests, ["status", "closed_outcome", "amount", "assignee", "updated_at"]) == 3
    stored = list(ApprovalRequest.objects.order_by("odoo_id"))
    assert [(r.status, r.closed_outcome, r.amount, r.assignee_id, r.updated_at) for r in stored] == \
        [("closed", "Approved in Odoo", Decimal("3.00"), network.hq.pk, later)] * 3
    assert [r.partner for r in stored] == ["changed elsewhere", *["Ängström & Co — ünïcode"] * 2]
    assert rows_update([], ["status"]) == 0


def test_callable_defaults_are_taken_per_row(network) -> None:
    incidents = [StoreIncident(store=network.store_a, category="safety", urgency="high", title=f"Spill {i}",
                               deadline=timezone.now()) for i in range(3)]
    rows_insert(incidents)
    assert sorted(StoreIncident.objects.values_list("reference", flat=True)) == \
        sorted(incident.reference for incident in incidents)
    assert len({incident.reference for incident in incidents}) == 3


def test_the_projectors_models_take_the_fast_path_on_postgresql(network, feed) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the typed-array path is PostgreSQL's; elsewhere the ORM writes")
    for model in (ApprovalRequest, StoreIncident, OpsException, ExceptionEvent, MirrorRecord):
        _insert_plan(model)  # raises Unsupported for a field it cannot prepare
    requests = requests_for(feed, network.store_a, range(1, 3))
    with CaptureQueriesContext(connection) as queries:
        rows_insert(requests)
    assert len(queries) == 0  # not through the ORM's compiler
    assert ApprovalRequest.objects.count() == 2


def test_instances_are_built_as_keyword_construction_builds_them(network, feed) -> None:
    """Defaults (constant, computed per instance, mutable), attnames, and a related object cached."""
    row = {"kind": feed.slug, "store": network.store_a, "feed_id": feed.pk, "odoo_id": 7, "amount": Decimal("3.5"),
           "requester_odoo_ids": [1, 2]}
    ours, second = instances_new(ApprovalRequest, [row, {**row, "odoo_id": 8}])
    theirs = ApprovalRequest(**row)
    for field in ApprovalRequest._meta.concrete_fields:
        if isinstance(getattr(theirs, field.attname), datetime):  # timezone.now defaults, a moment apart
            assert abs(getattr(ours, field.attname) - getattr(theirs, field.attname)) < timedelta(seconds=5)
        else:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.attname
    assert ours.store is network.store_a  # cached: no query
    assert ours._state.adding
    assert ours.pk is None
    with pytest.raises(TypeError):
        instances_new(ApprovalRequest, [{"no_such_field": 1}])
    records = instances_new(MirrorRecord, [{"feed": feed, "odoo_id": 1, "odoo_write_date": timezone.now()}] * 2)
    assert records[0].values == {}
    assert records[0].values is not records[1].values  # a mutable default is made per instance
    assert second.odoo_id == 8


def test_a_model_with_init_signals_is_built_through_its_constructor(feed) -> None:
    from django.db.models.signals import post_init

    seen: list[MirrorRecord] = []

    def receiver(sender, instance, **kwargs) -> None:  # type: ignore[no-untyped-def]
        seen.append(instance)

    post_init.connect(receiver, sender=MirrorRecord)
    try:
        records = instances_new(MirrorRecord, [{"feed": feed, "odoo_id": i, "odoo_write_date": timezone.now()}
                                               for i in range(3)])
    finally:
        post_init.disconnect(receiver, sender=MirrorRecord)
    assert seen == records
    assert instances_new(MirrorRecord, [{"feed": feed, "odoo_id": 9, "odoo_write_date": timezone.now()}])
    assert len(seen) == 3  # without a listener: the direct path, no signal
