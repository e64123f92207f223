"""No page is wider than the window at 1366 and 1280 px: each main page is loaded in headless Chromium
once per width (with realistic data: long names, every column filled), screenshotted, and checked in
the DOM for any element reaching past the viewport that is not inside a scrolling container."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BROWSER_MARKS, launch
from tests.dashboards import builders
from tests.dashboards.asgi_server import AsgiServer, shared_sqlite_connection
from tests.factories import make_network
from tests.portal.test_csp_browser import session_cookie

pytestmark = BROWSER_MARKS

# Every element whose right edge passes the viewport, unless a scrolling ancestor holds it (the last
# resort the layout allows: a table scrolling inside its card), and the page's own scroll width.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const classes = (el) => typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes(el)}`;
  const scroller = (el) => ["auto", "scroll", "hidden"].includes(getComputedStyle(el).overflowX);
  const problems = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    const control = ["SELECT", "TEXTAREA", "INPUT"].includes(el.tagName);  // they scroll their own content
    if (scroller(el) && !control && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 2) {
      problems.push(`${name(el)} clips or scrolls ${el.scrollWidth - el.clientWidth} px`);
      continue;
    }
    let card = null, held = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      if (scroller(p)) { held = true; break; }
      if (!card && p.classList.contains("card")) card = p;
    }
    if (held) continue;
    if (box.right > width + 1) problems.push(`${name(el)} passes the window (${Math.round(box.right)} px)`);
    else if (card && box.right > card.getBoundingClientRect().right + 1) problems.push(`${name(el)} passes its card`);
  }
  return {scroll: document.documentElement.scrollWidth, width, problems: [...new Set(problems)].slice(0, 6)};
}"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[AsgiServer]:
    with shared_sqlite_connection(monkeypatch):
        running = AsgiServer().start()
        yield running
        running.stop()


def realistic(network: Any) -> dict[str, Any]:
    for store in (network.store_a, network.store_b, network.store_c):
        store.name = f"{store.name} Northgate Retail Park Superstore"
        store.save()
    builders.mixed([network.store_a, network.store_b, network.store_c], 2)
    incident = builders.incident(network.store_a, title="Freezer 3 warm since the delivery this morning, "
                                                        "ice build-up on the evaporator and the door seal")
    return {"incident": incident}


@pytest.mark.parametrize("width", [1366, 1280])
def test_no_page_is_wider_than_the_window(server: AsgiServer, width: int, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    network = make_network()
    made = realistic(network)
    pages = {
        network.hq: ["/", "/dashboards/hq/", "/dashboards/region/NORTH/", "/dashboards/store/N01/",
                     "/incidents/", f"/incidents/{made['incident'].pk}/", "/exceptions/", "/health/", "/audit/",
                     "/notifications/", "/notifications/preferences/"],
        network.regional_north: ["/", "/approvals/"],
        network.manager_a: ["/", "/dashboards/store/N01/", "/incidents/new/"],
        network.ops: ["/webhooks/", "/api/v1/tokens/ui/", "/admin/writeback/writeback/"],
    }
    cookies = {user: session_cookie(user, server.url) for user in pages}
    keep = os.environ.get("CT_LAYOUT_SHOTS")  # a folder: full-page screenshots kept there to look at
    shots = Path(keep or tmp_path)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for user, paths in pages.items():
                context = browser.new_context(viewport={"width": width, "height": 900})
                context.add_cookies([cookies[user]])
                page = context.new_page()
                for path in paths:
                    response = page.goto(f"{server.url}{path}")
                    assert response is not None
                    assert response.status == 200, f"{path}: {response.status}"
                    page.wait_for_load_state("networkidle")
                    name = f"{width}-{user.username}{path.replace('/', '_')}.png"
                    page.screenshot(path=str(shots / name), full_page=bool(keep))
                    found = page.evaluate(OVERFLOW)
                    if found["scroll"] > found["width"] or found["problems"]:
                        problems.append(f"{user.username} {path}: page {found['scroll']} px in {found['width']} px; "
                                        f"{found['problems']}")
                context.close()
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
