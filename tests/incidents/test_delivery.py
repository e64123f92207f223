"""Incidents reach Odoo through the outbox, against the sandbox over real HTTP: creation with photos,
outages and lost answers (exactly one Odoo record), chatter comments and overrides."""

from __future__ import annotations

import base64
import datetime as dt
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from apps.incidents import conf
from apps.incidents.models import IncidentStatus, StoreIncident
from apps.incidents.odoo_records import create_values
from apps.incidents.photos import photo_clean
from apps.incidents.services import incident_comment_add
from apps.incidents.services.followup import OverrideChange, incident_override
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_run, writebacks_dispatch
from tests.factories import Network
from tests.incidents.conftest import photo_bytes, run_create, submit, upload
from tests.odoo_versions import EVERY_ODOO

pytestmark = pytest.mark.django_db


def records_named(server: Any, model: str, reference: str) -> list[dict[str, Any]]:
    extra = ["maintenance_team_id"] if model == "maintenance.request" else ["project_id", "state"]
    return server.execute("admin", model, "search_read", [[["name", "like", f"[{reference}]"]]],
                          {"fields": ["name", "priority", "x_store_warehouse_id", "description", "stage_id", *extra],
                           "context": {"active_test": False}})


def attachments_of(server: Any, model: str, odoo_id: int) -> list[dict[str, Any]]:
    return server.execute("admin", "ir.attachment", "search_read",
                          [[["res_model", "=", model], ["res_id", "=", odoo_id]]], {"fields": ["name", "datas"]})


def messages_of(server: Any, model: str, odoo_id: int) -> list[str]:
    rows = server.execute("admin", "mail.message", "search_read",
                          [[["model", "=", model], ["res_id", "=", odoo_id]]], {"fields": ["body"]})
    return [row["body"] for row in rows]


def photo() -> Any:
    return photo_clean(upload("freezer.jpg", photo_bytes(size=(120, 90))))


@EVERY_ODOO
def test_it_creates_a_maintenance_request_with_the_store_priority_team_and_photo(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, photos=[photo()], urgency="high")
    writeback = run_create(incident, odoo)
    assert writeback.status == WriteBackStatus.APPLIED, writeback.last_error
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_ODOO
    [record] = records_named(odoo_server, "maintenance.request", incident.reference)
    assert incident.odoo_id == record["id"]
    assert record["x_store_warehouse_id"][0] == network.store_a.odoo_warehouse_id == 2
    assert record["priority"] == "2"
    assert record["maintenance_team_id"][1] == "Refrigeration Contractors"
    [attachment] = attachments_of(odoo_server, "maintenance.request", record["id"])
    assert attachment["name"] == incident.photos.get().odoo_name
    assert base64.b64decode(attachment["datas"]).startswith(b"\xff\xd8")  # the re-encoded JPEG
    assert incident.photos.get().odoo_attachment_id == attachment["id"]


def test_it_creates_other_categories_as_tasks_in_the_incidents_project(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_c, network.store_c, category="stock", urgency="critical",
                      title="Missing pallet from this morning's delivery")
    assert run_create(incident, odoo).status == WriteBackStatus.APPLIED
    [task] = records_named(odoo_server, "project.task", incident.reference)
    assert task["project_id"][1] == conf.TASK_PROJECT
    assert task["x_store_warehouse_id"][0] == 10
    assert task["priority"] == "1"
    assert task["state"] == "01_in_progress"


def test_it_sends_user_text_to_odoo_escaped(odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, description="<img src=x onerror=alert(1)> leak")
    run_create(incident, odoo)
    [record] = records_named(odoo_server, "maintenance.request", incident.reference)
    assert "<img src=x" not in record["description"]
    assert "&lt;img src=x onerror=alert(1)&gt; leak" in record["description"]


def test_it_confirms_while_odoo_is_down_and_delivers_exactly_once_when_it_is_back(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    odoo_server.faults.down = True
    incident = submit(network.manager_a, network.store_a, photos=[photo()])
    assert incident.status == IncidentStatus.QUEUED
    writeback = run_create(incident, odoo)
    assert writeback.status == WriteBackStatus.WAITING  # an outage is waited out, never counted
    assert "unavailable" in writeback.last_error.lower()
    calls = odoo_server.rpc_count
    held = writeback_run(writeback.pk, gateway=odoo)  # the outbox is paused: held without a call
    assert held is not None
    assert held.status == WriteBackStatus.WAITING
    assert odoo_server.rpc_count == calls
    odoo_server.faults.down = False
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=True):
        assert writebacks_dispatch(gateway=odoo) == 1  # one probe, Odoo answers, the row goes
    writeback.refresh_from_db()
    assert writeback.status == WriteBackStatus.APPLIED, writeback.last_error
    assert writeback.attempts == 2
    records = records_named(odoo_server, "maintenance.request", incident.reference)
    assert len(records) == 1
    assert len(attachments_of(odoo_server, "maintenance.request", records[0]["id"])) == 1
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_ODOO


def test_it_finds_the_record_a_lost_answer_left_behind_instead_of_creating_another(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, photos=[photo()])
    # What a create whose answer was lost leaves in Odoo: the record, with the portal's reference.
    left_behind = odoo_server.execute("admin", "maintenance.request", "create",
                                      [create_values(incident, {})])
    writeback = run_create(incident, odoo)
    assert writeback.status == WriteBackStatus.APPLIED
    assert [r["id"] for r in records_named(odoo_server, "maintenance.request", incident.reference)] == [left_behind]
    incident.refresh_from_db()
    assert incident.odoo_id == left_behind
    assert len(attachments_of(odoo_server, "maintenance.request", left_behind)) == 1


def test_it_survives_flaky_odoo_with_lost_answers_and_still_makes_exactly_one_record(
        odoo: Any, odoo_server: Any, network: Network, settings: Any) -> None:
    settings.CT_WRITEBACK_MAX_ATTEMPTS = 20
    incident = submit(network.manager_a, network.store_a, photos=[photo(), photo()])
    writeback = WriteBack.objects.get(kind="incident.create")
    odoo_server.faults.seed(7)
    odoo_server.faults.lost_reply_rate = 0.25  # Odoo commits, then the answer never arrives
    odoo_server.faults.error_rate = 0.1
    try:
        with time_machine.travel(timezone.now(), tick=True) as traveller:
            for _ in range(20):
                writebacks_dispatch(gateway=odoo)  # as the worker's periodic pass: probes, then applies
                writeback.refresh_from_db()
                if writeback.status == WriteBackStatus.APPLIED:
                    break
                assert writeback.status in (WriteBackStatus.WAITING, WriteBackStatus.RETRYING), writeback.last_error
                traveller.shift(timedelta(minutes=10))
    finally:
        odoo_server.faults.lost_reply_rate = 0.0
        odoo_server.faults.error_rate = 0.0
    writeback.refresh_from_db()
    assert writeback.status == WriteBackStatus.APPLIED
    assert writeback.attempts > 1  # the faults did bite
    [record] = records_named(odoo_server, "maintenance.request", incident.reference)
    names = sorted(a["name"] for a in attachments_of(odoo_server, "maintenance.request", record["id"]))
    assert names == sorted(p.odoo_name for p in incident.photos.all())


def test_it_refuses_clearly_when_the_incidents_project_is_missing(
        odoo: Any, network: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "TASK_PROJECT", "No such project")
    incident = submit(network.manager_a, network.store_a, category="customer", urgency="low",
                      title="Customer complaint about queues")
    writeback = run_create(incident, odoo)
    assert writeback.status == WriteBackStatus.FAILED
    assert "'No such project' does not exist in Odoo" in writeback.last_error
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.UNDELIVERED


@EVERY_ODOO
def test_it_posts_a_store_comment_with_its_photo_to_the_chatter_once(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    incident_comment_add(incident=incident, author=network.manager_a, body="Engineer <b>late</b>", photos=[photo()])
    run_create(incident, odoo)  # the comment waited for the record and is queued now
    note = WriteBack.objects.get(kind="incident.note")
    assert writeback_run(note.pk, gateway=odoo).status == WriteBackStatus.APPLIED  # type: ignore[union-attr]
    incident.refresh_from_db()
    bodies = [b for b in messages_of(odoo_server, "maintenance.request", incident.odoo_id) if "Engineer" in b]
    assert len(bodies) == 1
    assert "Engineer &lt;b&gt;late&lt;/b&gt;" in bodies[0]
    assert len(attachments_of(odoo_server, "maintenance.request", incident.odoo_id)) == 1
    # Replaying the same write-back (a worker died before recording it) posts nothing new.
    WriteBack.objects.filter(pk=note.pk).update(status=WriteBackStatus.QUEUED, result={})
    assert writeback_run(note.pk, gateway=odoo).status == WriteBackStatus.APPLIED  # type: ignore[union-attr]
    assert len([b for b in messages_of(odoo_server, "maintenance.request", incident.odoo_id) if "Engineer" in b]) == 1


def override(incident: StoreIncident, actor: Any, odoo: Any, **change: Any) -> WriteBack:
    incident_override(incident=incident, actor=actor, change=OverrideChange(**change))
    writeback = WriteBack.objects.filter(kind="incident.override").latest("id")
    result = writeback_run(writeback.pk, gateway=odoo)
    assert result is not None
    return result


def test_it_writes_a_reprioritisation_to_maintenance_priority_with_a_chatter_note(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, urgency="low")
    run_create(incident, odoo)
    incident.refresh_from_db()
    result = override(incident, network.regional_north, odoo, kind="reprioritise", urgency="critical",
                      reason="Whole freezer bank at risk")
    assert result.status == WriteBackStatus.APPLIED, result.last_error
    [record] = records_named(odoo_server, "maintenance.request", incident.reference)
    assert record["priority"] == "3"
    assert any("Whole freezer bank at risk" in body for body in messages_of(odoo_server, "maintenance.request",
                                                                             record["id"]))


def test_it_closes_a_duplicate_task_by_its_state_and_leaves_the_stage(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    first = submit(network.manager_a, network.store_a, category="stock", urgency="medium", title="Short delivery")
    second = submit(network.manager_a, network.store_a, category="stock", urgency="medium", title="Delivery short")
    run_create(second, odoo)
    second.refresh_from_db()
    [before] = records_named(odoo_server, "project.task", second.reference)
    result = override(second, network.hq, odoo, kind="close_duplicate", duplicate_of=first, reason="Same delivery")
    assert result.status == WriteBackStatus.APPLIED, result.last_error
    [after] = records_named(odoo_server, "project.task", second.reference)
    assert after["state"] == "1_canceled"
    assert after["stage_id"] == before["stage_id"]
    second.refresh_from_db()
    assert second.status == IncidentStatus.CLOSED
    assert second.duplicate_of == first


def test_it_archives_a_duplicate_maintenance_request(odoo: Any, odoo_server: Any, network: Network) -> None:
    first = submit(network.manager_a, network.store_a)
    second = submit(network.manager_a, network.store_a)
    run_create(second, odoo)
    second.refresh_from_db()
    result = override(second, network.regional_north, odoo, kind="close_duplicate", duplicate_of=first,
                      reason="Reported twice")
    assert result.status == WriteBackStatus.APPLIED, result.last_error
    [row] = odoo_server.execute("admin", "maintenance.request", "read", [[second.odoo_id], ["archive"]])
    assert row["archive"] is True


def test_it_extends_a_task_deadline_in_odoo(odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, category="compliance", urgency="medium",
                      title="Price labels wrong on the offer")
    run_create(incident, odoo)
    incident.refresh_from_db()
    new_deadline = (timezone.now() + timedelta(days=3)).replace(microsecond=0, second=0)
    result = override(incident, network.regional_north, odoo, kind="extend_deadline", deadline=new_deadline,
                      reason="Labels arrive Thursday")
    assert result.status == WriteBackStatus.APPLIED, result.last_error
    [row] = odoo_server.execute("admin", "project.task", "read", [[incident.odoo_id], ["date_deadline"]])
    assert row["date_deadline"] == new_deadline.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def test_it_reports_a_conflict_when_odoo_closed_the_incident_meanwhile(
        odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a, category="staffing", urgency="high",
                      title="Two colleagues off sick")
    run_create(incident, odoo)
    incident.refresh_from_db()
    odoo_server.execute("admin", "project.task", "write", [[incident.odoo_id], {"state": "1_done"}])
    result = override(incident, network.regional_north, odoo, kind="reprioritise", urgency="critical",
                      reason="No cover at all")
    assert result.status == WriteBackStatus.CONFLICT
    assert "closed in Odoo" in result.last_error
