"""The incident list on a store manager's phone (390x844, Debian's Chromium): labelled cards, newest
first, nothing scrolling sideways, and at least three incidents on one screen."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest

from tests.browser import BROWSER_MARKS, launch, session_cookie
from tests.dashboards import builders
from tests.factories import make_network

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}

# For each row on screen: its labels as the person sees them, and whether it lies wholly in the part
# of the viewport the fixed bottom bar does not cover.
ROWS_SEEN = """() => {
  const bar = document.querySelector('.bottom-nav');
  const floor = bar && getComputedStyle(bar).display !== 'none' ? bar.getBoundingClientRect().top : innerHeight;
  return [...document.querySelectorAll('#incident-list [data-incident-row]')].map((row) => {
    const box = row.getBoundingClientRect();
    const labels = [...row.querySelectorAll('td[data-label]')].map(
      (cell) => getComputedStyle(cell, '::before').content.replace(/^"|"$/g, ''));
    return {title: row.querySelector('a').textContent.trim(), top: box.top, bottom: box.bottom,
            inView: box.top >= 0 && box.bottom <= floor, labels};
  });
}"""


@pytest.fixture
def orm_in_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread


def test_a_store_manager_reads_the_incident_list_on_a_phone(live_server: Any, orm_in_test: None) -> None:
    from playwright.sync_api import sync_playwright

    network = make_network()
    titles = [f"Incident number {n}: freezer aisle {n} running warm since the delivery" for n in range(6)]
    for hours, title in enumerate(titles):  # the last one is the newest
        builders.incident(network.store_a, title=title, created_ago=timedelta(hours=10 - hours),
                          escalation_tier=1 if hours == 0 else 0)
    builders.incident(network.store_c, title="Another store's incident")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(**PHONE)
            context.add_cookies([session_cookie(network.manager_a, live_server.url)])
            page = context.new_page()
            page.goto(f"{live_server.url}/incidents/")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert not page.locator("#incident-list thead").is_visible()  # headers give way to labels
            rows = page.evaluate(ROWS_SEEN)
            assert [row["title"] for row in rows] == titles[::-1]  # newest first, the own store's only
            assert all(row["labels"] == ["Store", "Urgency", "Status", "Deadline", "Reported"] for row in rows)
            assert page.locator("#incident-list td[data-label=Status]").first.is_visible()

            page.locator("#incident-list [data-incident-row]").first.evaluate(
                "(row) => window.scrollTo(0, row.getBoundingClientRect().top + window.scrollY - 8)")
            on_screen = [row for row in page.evaluate(ROWS_SEEN) if row["inView"]]
            assert len(on_screen) >= 3, on_screen
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            if shots := os.environ.get("CT_SCREENSHOTS"):
                page.screenshot(path=f"{shots}/incidents-phone.png")
        finally:
            browser.close()
