"""The store app end to end on a 390x844 phone in Debian's Chromium, Odoo being the sandbox over HTTP.

1. A report with a photo made with no signal (the browser context offline) is kept on the phone,
   shown as waiting to send, and sent by itself when the signal returns: exactly one incident in the
   portal and one record in Odoo, with its photo downscaled on the phone.
2. The answer to a report is lost after the portal saved it; the phone sends it again with the same
   key: still one incident, one Odoo record.
3. (ASGI, websockets) A technician's message posted in Odoo's chatter appears in the open incident
   page without a reload; Odoo closes it, the page asks "Fixed?", the store reopens it with a reason:
   Odoo gets the stage and the note exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.incidents.models import IncidentPhoto, StoreIncident
from apps.incidents.services.thread import threads_pull
from apps.writeback.models import WriteBack
from tests.browser import BROWSER_MARKS, in_thread, launch, sign_in
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.incidents.conftest import photo_bytes, run_create, submit
from tests.incidents.test_mirror import stage_id, sync
from tests.incidents.test_thread import calls, reopen_applied_twice

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def odoo_records(server: Any, reference: str) -> list[dict[str, Any]]:
    return server.execute("admin", "maintenance.request", "search_read", [[["name", "like", f"[{reference}]"]]],
                          {"fields": ["name"]})


def fill_report(page: Any, pictures: list[Path] | None = None) -> None:
    page.fill("#id_title", "Freezer aisle 4 warm, ice cream going soft")
    page.select_option("#id_category", "refrigeration")
    page.select_option("#id_urgency", "high")
    if pictures:
        page.set_input_files("#id_photos", [str(picture) for picture in pictures])
        page.locator("#photo-list li").nth(len(pictures) - 1).wait_for()


def wait_for_service_worker(page: Any) -> None:
    """Until the page is controlled (the worker installed, kept the shell and claimed the page); polled
    from here because the portal's Content-Security-Policy forbids the eval wait_for_function needs."""
    for _ in range(200):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("The service worker never took control of the page.")


@pytest.fixture
def orm_in_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playwright's sync API keeps an event loop in this thread; the test's ORM calls stay synchronous.
    The triage model is trained first: a report must not wait for training inside the timed steps."""
    from apps.incidents.triage import classifier

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    classifier.model_get()


def test_it_keeps_a_report_made_offline_and_sends_it_once_when_back_online(
        live_server: Any, odoo: Any, odoo_server: Any, eager_outbox: None, orm_in_test: None, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    picture = tmp_path / "freezer.jpg"
    picture.write_bytes(photo_bytes(size=(3000, 2000)))  # downscaled on the phone to 2048 x 1365
    blurred = tmp_path / "blurred.jpg"
    blurred.write_bytes(photo_bytes(size=(640, 480)))
    creates = calls(odoo_server, "maintenance.request", "create")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            page.set_default_timeout(20_000)
            sign_in(page, live_server.url, network.manager_a.username)
            expect(page.locator("a.report-big")).to_have_text("Report an incident")  # the store home
            page.goto(f"{live_server.url}/incidents/new/")
            wait_for_service_worker(page)

            context.set_offline(True)
            page.goto(f"{live_server.url}/incidents/new/")  # opens from the copy the service worker kept
            fill_report(page, [blurred, picture])
            page.get_by_role("button", name="Remove photo 1").click()  # the blurred one goes
            expect(page.locator("#photo-list li")).to_have_count(1)
            expect(page.locator("#photo-list")).to_contain_text("freezer.jpg")
            shown = "document.querySelector('#photo-list img').naturalWidth"
            for _ in range(50):  # the preview is drawn from the downscaled copy (a blob: URL the CSP allows)
                if page.evaluate(shown) > 0:
                    break
                page.wait_for_timeout(100)
            assert page.evaluate(shown) == 2048
            page.click("[data-submit]")
            expect(page.locator("[data-queue-count]")).to_have_text("1 report waiting to send")
            expect(page.locator("[data-queue-list]")).to_contain_text("Waiting to send")
            expect(page.locator("[data-send-status]")).to_contain_text("waiting to send")
            page.wait_for_timeout(1000)  # nothing leaves the phone while there is no signal
            assert StoreIncident.objects.count() == 0

            context.set_offline(False)
            expect(page.locator("[data-queue]")).to_be_hidden(timeout=15_000)
            page.goto(f"{live_server.url}/store/")
            expect(page.locator("#store-today")).to_contain_text("Freezer aisle 4 warm")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        finally:
            browser.close()

    incident = StoreIncident.objects.get()
    assert incident.client_key
    [photo] = IncidentPhoto.objects.filter(incident=incident)
    assert (photo.width, photo.height) == (2048, 1365)
    assert calls(odoo_server, "maintenance.request", "create") == creates + 1
    [record] = odoo_records(odoo_server, incident.reference)
    attachments = odoo_server.execute("admin", "ir.attachment", "search_count", [[
        ["res_model", "=", "maintenance.request"], ["res_id", "=", record["id"]]]])
    assert attachments == 1


# The phone's connection drops after the upload: the portal saved the report, its answer is lost.
LOSE_FIRST_ANSWER = """() => {
  const real = window.fetch;
  window.sentReports = 0;
  window.fetch = function (url, init) {
    const answer = real.apply(this, arguments);
    if (!init || init.method !== "POST" || !String(url).endsWith("/incidents/new/")) return answer;
    window.sentReports += 1;
    if (window.sentReports > 1) return answer;
    return answer.then(() => { throw new TypeError("Failed to fetch"); });
  };
}"""


def test_it_sends_a_report_again_after_a_lost_answer_without_a_second_incident(
        live_server: Any, odoo: Any, odoo_server: Any, eager_outbox: None, orm_in_test: None) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    creates = calls(odoo_server, "maintenance.request", "create")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(service_workers="block", **PHONE)
            page = context.new_page()
            page.set_default_timeout(20_000)
            sign_in(page, live_server.url, network.manager_a.username)
            page.goto(f"{live_server.url}/incidents/new/")
            page.evaluate(LOSE_FIRST_ANSWER)
            fill_report(page)
            page.click("[data-submit]")
            expect(page.locator("[data-send-status]")).to_contain_text("It goes by itself when there is signal")
            expect(page.locator("[data-queue-count]")).to_have_text("1 report waiting to send")
            assert StoreIncident.objects.count() == 1  # saved, though the phone does not know it
            page.evaluate("window.dispatchEvent(new Event('online'))")
            expect(page.locator("[data-queue]")).to_be_hidden(timeout=15_000)
            assert page.evaluate("window.sentReports") == 2
        finally:
            browser.close()

    incident = StoreIncident.objects.get()
    assert WriteBack.objects.filter(kind="incident.create").count() == 1
    assert calls(odoo_server, "maintenance.request", "create") == creates + 1
    assert len(odoo_records(odoo_server, incident.reference)) == 1


@pytest.fixture
def asgi(monkeypatch: pytest.MonkeyPatch) -> Iterator[AsgiServer]:
    """The portal over ASGI (websockets); write-backs are run by the test, as a worker would."""
    from apps.writeback.tasks import apply_writeback

    monkeypatch.setattr(apply_writeback, "delay", lambda pk: None)
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()


def test_it_shows_odoo_chatter_live_and_reopens_once_when_the_store_says_not_fixed(
        asgi: AsgiServer, odoo: Any, odoo_server: Any, orm_in_test: None) -> None:
    from playwright.sync_api import expect, sync_playwright

    network = make_network()
    incident = submit(network.manager_a, network.store_a)
    run_create(incident, odoo)
    sync("maintenance-requests", odoo)
    incident.refresh_from_db()
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(**PHONE).new_page()
            page.set_default_timeout(20_000)
            sign_in(page, asgi.url, network.manager_a.username, incident.get_absolute_url())
            expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
            page.evaluate("window.notReloaded = true")

            odoo_server.execute("admin", "maintenance.request", "message_post", [[incident.odoo_id]], {
                "body": "<p>Technician booked for <b>14:00</b><script>document.title='x'</script></p>",
                "body_is_html": True, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"})
            in_thread(lambda: threads_pull(odoo))
            thread = page.locator("#thread")
            expect(thread).to_contain_text("Technician booked for 14:00", timeout=5_000)
            expect(thread).to_contain_text("Mitchell Admin")
            assert page.locator("#thread script").count() == 0

            odoo_server.execute("admin", "maintenance.request", "write", [[incident.odoo_id], {
                "stage_id": stage_id(odoo_server, "maintenance.stage", "Repaired")}])
            in_thread(lambda: sync("maintenance-requests", odoo))
            expect(page.locator("#fixed")).to_contain_text("Is it fixed?", timeout=5_000)
            assert page.evaluate("window.notReloaded") is True

            page.fill("#fixed textarea[name=reason]", "Still reading -10C")
            page.click("[data-reopen]")
            expect(page.locator(".messages")).to_contain_text("Reopened")
            expect(page.locator(".status-words").first).not_to_contain_text("Done")
        finally:
            browser.close()

    in_thread(lambda: reopen_applied_twice(incident, odoo, odoo_server, reason="Still reading -10C"))
