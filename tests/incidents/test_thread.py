"""The two-way thread and "Fixed?", against the Odoo sandbox over real HTTP.

Odoo's chatter comes back into the incident's thread (authors named, HTML sanitised, stage changes as
status lines, the portal's own notes left out); the store's answer to "Fixed?" reaches Odoo exactly
once, however often the write-back is retried.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.urls import reverse

from apps import events
from apps.events.types import IncidentThreadReplied
from apps.incidents.executors import answer_execute
from apps.incidents.models import IncidentMessage, IncidentOverride, IncidentStatus, OverrideKind, ThreadEntryKind
from apps.incidents.services import incident_comment_add
from apps.incidents.services.thread import threads_pull
from apps.live.broadcast import store_group
from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_run
from tests.factories import Network
from tests.incidents.conftest import client_for, run_create, submit
from tests.incidents.test_mirror import stage_id, sync

pytestmark = pytest.mark.django_db


def post(server: Any, record_id: int, body: str, *, note: bool = False, html: bool = True) -> int:
    return int(server.execute("admin", "maintenance.request", "message_post", [[record_id]], {
        "body": body, "body_is_html": html, "message_type": "comment",
        "subtype_xmlid": "mail.mt_note" if note else "mail.mt_comment"}))


def calls(server: Any, model: str, method: str) -> int:
    return sum(1 for call in list(server.sandbox.calls) if call.model == model and call.method == method)


def reopen_applied_twice(incident: Any, odoo: Any, odoo_server: Any, *, reason: str) -> None:
    """Run the reopen's write-back, then its executor once more (a retry after a lost reply): Odoo has
    the record back in an open stage, written once, and one note with the reason."""
    answer = IncidentOverride.objects.get(incident=incident, kind=OverrideKind.REOPEN)
    writes = calls(odoo_server, "maintenance.request", "write")
    done = writeback_run(answer.writeback_id, gateway=odoo)  # type: ignore[arg-type]
    assert done is not None
    assert done.status == WriteBackStatus.APPLIED, done.last_error
    answer_execute(WriteBack.objects.get(pk=answer.writeback_id), odoo)
    assert calls(odoo_server, "maintenance.request", "write") == writes + 1
    [record] = odoo_server.execute("admin", "maintenance.request", "read", [[incident.odoo_id]],
                                   {"fields": ["stage_id", "close_date"]})
    assert record["stage_id"][1] == "New Request"
    assert record["close_date"] is False
    notes = odoo_server.execute("admin", "mail.message", "search_count", [[
        ["model", "=", "maintenance.request"], ["res_id", "=", incident.odoo_id], ["body", "ilike", reason]]])
    assert notes == 1


def resolved_incident(network: Network, odoo: Any, odoo_server: Any) -> Any:
    incident = submit(network.manager_a, network.store_a)
    run_create(incident, odoo)
    sync("maintenance-requests", odoo)  # the feed's first import, then Odoo closes it
    incident.refresh_from_db()
    odoo_server.execute("admin", "maintenance.request", "write", [[incident.odoo_id], {
        "stage_id": stage_id(odoo_server, "maintenance.stage", "Repaired")}])
    sync("maintenance-requests", odoo)
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED
    return incident


def test_it_brings_odoo_chatter_into_the_thread_sanitised_and_named(odoo: Any, odoo_server: Any,
                                                                    network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    run_create(incident, odoo)
    incident.refresh_from_db()
    comment = incident_comment_add(incident=incident, author=network.manager_a, body="Still warm", photos=[])
    assert writeback_run(WriteBack.objects.get(idempotency_key=f"incident-note-{comment.pk}").pk, gateway=odoo)
    reply = post(odoo_server, incident.odoo_id,
                 '<p>Technician booked for <b>14:00</b><script>alert(1)</script>'
                 '<a href="javascript:alert(2)" onclick="x()">link</a><img src=x onerror=alert(3)></p>')
    post(odoo_server, incident.odoo_id, "Parts ordered", note=True, html=False)
    odoo_server.execute("admin", "maintenance.request", "write", [[incident.odoo_id], {
        "stage_id": stage_id(odoo_server, "maintenance.stage", "In Progress")}])

    assert threads_pull(odoo) == 3
    assert threads_pull(odoo) == 0  # read again from behind the cursor: nothing twice
    entries = list(IncidentMessage.objects.filter(incident=incident))
    assert [entry.kind for entry in entries] == [ThreadEntryKind.COMMENT, ThreadEntryKind.NOTE,
                                                 ThreadEntryKind.STATUS]
    first = entries[0]
    assert first.odoo_message_id == reply
    assert first.author_name == "Mitchell Admin"  # "YourCompany, Mitchell Admin" names the company first
    assert "<b>14:00</b>" in first.body_html
    for bad in ("script", "javascript:", "onclick", "onerror", "<img"):
        assert bad not in first.body_html
    assert entries[1].body_html == "<p>Parts ordered</p>"
    assert entries[2].status_text == "Stage: New Request → In Progress"
    page = client_for(network.manager_a).get(incident.get_absolute_url()).content.decode()
    assert "Technician booked for <b>14:00</b>" in page
    assert "Stage: New Request → In Progress" in page
    assert page.count("Still warm") == 1  # the store's own note is not mirrored back a second time


def test_it_says_odoos_answer_as_an_event_and_the_store_hears_it_live(
        odoo: Any, odoo_server: Any, network: Network, django_capture_on_commit_callbacks: Any) -> None:
    incident = submit(network.manager_a, network.store_a)
    run_create(incident, odoo)
    incident.refresh_from_db()
    other = submit(network.manager_c, network.store_c)
    run_create(other, odoo)
    other.refresh_from_db()
    post(odoo_server, incident.odoo_id, "<p>On my way</p>")
    post(odoo_server, incident.odoo_id, "<p>Ten minutes</p>")
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(store_group(network.store_a.pk), channel)
    other_channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(store_group(network.store_c.pk), other_channel)

    with events.recording() as emitted, django_capture_on_commit_callbacks(execute=True):
        assert threads_pull(odoo) == 2
    replied = [event for event in emitted if isinstance(event, IncidentThreadReplied)]
    assert len(replied) == 1  # one event for the incident, carrying both messages
    assert replied[0].incident.pk == incident.pk
    assert [m.body_html for m in replied[0].messages] == ["<p>On my way</p>", "<p>Ten minutes</p>"]
    message = async_to_sync(layer.receive)(channel)
    assert "incidents" in message["topics"]

    with events.recording() as again, django_capture_on_commit_callbacks(execute=True):
        assert threads_pull(odoo) == 0
    assert not [event for event in again if isinstance(event, IncidentThreadReplied)]  # nothing new, no event
    assert async_to_sync(_heard_nothing)(other_channel)  # another store's people hear nothing


async def _heard_nothing(channel: str) -> bool:
    try:
        await asyncio.wait_for(get_channel_layer().receive(channel), timeout=0.3)
    except TimeoutError:
        return True
    return False


def test_it_shows_a_thread_to_nobody_outside_the_store(odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = submit(network.manager_a, network.store_a)
    run_create(incident, odoo)
    incident.refresh_from_db()
    post(odoo_server, incident.odoo_id, "<p>Secret of store A</p>")
    threads_pull(odoo)
    assert client_for(network.manager_c).get(incident.get_absolute_url()).status_code == 404
    assert client_for(network.manager_c).get(reverse("incidents:panel", args=[incident.pk])).status_code == 404
    assert "Secret of store A" in client_for(network.regional_north).get(incident.get_absolute_url()).content.decode()


def test_it_reopens_in_odoo_once_with_the_stores_reason(odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = resolved_incident(network, odoo, odoo_server)
    page = client_for(network.manager_a).get(incident.get_absolute_url()).content.decode()
    assert "Done — please confirm" in page
    url = reverse("incidents:reopen", args=[incident.pk])
    refused = client_for(network.manager_a).post(url, {"reason": "  "})
    assert refused.status_code == 400
    assert "Say what is still wrong" in refused.content.decode()
    assert client_for(network.manager_c).post(url, {"reason": "x"}).status_code == 404
    odoo_server.execute("admin", "maintenance.request", "write", [[incident.odoo_id], {"duration": 1.5}])
    assert client_for(network.manager_a).post(url, {"reason": "Still reading -10C"}).status_code == 302
    again = client_for(network.manager_a).post(url, {"reason": "Twice"})
    assert again.status_code == 400  # already open again: nothing more is queued
    sync("maintenance-requests", odoo)  # Odoo's record, changed before the reopen, is still closed there
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.IN_PROGRESS
    assert incident.closed_at is None

    reopen_applied_twice(incident, odoo, odoo_server, reason="Still reading -10C")
    threads_pull(odoo)  # the reopen's stage change shows as a status line, the note does not come back
    texts = [m.status_text or m.body_html for m in IncidentMessage.objects.filter(incident=incident)]
    assert "Stage: Repaired → New Request" in texts
    assert not any("Still reading" in text for text in texts)


def test_it_confirms_the_fix_once(odoo: Any, odoo_server: Any, network: Network) -> None:
    incident = resolved_incident(network, odoo, odoo_server)
    url = reverse("incidents:fixed", args=[incident.pk])
    assert client_for(network.manager_c).post(url).status_code == 404
    assert client_for(network.manager_a).post(url).status_code == 302
    client_for(network.manager_a).post(url)  # a double tap
    assert IncidentOverride.objects.filter(incident=incident, kind=OverrideKind.CONFIRM_FIXED).count() == 1
    incident.refresh_from_db()
    assert incident.fix_confirmed_at is not None
    assert incident.status_words == "Fixed — confirmed"
    page = client_for(network.manager_a).get(incident.get_absolute_url()).content.decode()
    assert "Is it fixed?" not in page
    writeback = WriteBack.objects.get(pk=IncidentOverride.objects.get(incident=incident).writeback_id)
    assert writeback_run(writeback.pk, gateway=odoo) is not None
    notes = odoo_server.execute("admin", "mail.message", "search_count", [[
        ["model", "=", "maintenance.request"], ["res_id", "=", incident.odoo_id],
        ["body", "ilike", "Fix confirmed by"]]])
    assert notes == 1
