"""Page weight of the store app: bytes transferred for the store home and the report form, on a first
visit (empty browser: the service worker installs and keeps the shell) and on a repeat visit (the
shell comes from the service worker, only the page itself from the network).

Runs the portal's web process (uvicorn, as deployed, embedded settings: static files served
uncompressed by WhiteNoise, so the figures are the worst case) on a throw-away SQLite database with a
store that has open incidents and an exception, and Debian's Chromium at 390x844. Bytes are what
Chromium reports per response (headers + body as received), the service worker's own fetches
included; responses the service worker answers from its cache count zero. No photos.

    .venv/bin/python bench/store_app.py          # budget: first load <= 150 KB, repeat <= 20 KB
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIRST_BUDGET_KB, REPEAT_BUDGET_KB = 150.0, 20.0
PAGES = (("store home", "/store/"), ("report form", "/incidents/new/"))


def seed() -> str:
    """A store manager with a working day's worth of open incidents; returns their session id."""
    from django.test import Client
    from django.utils import timezone

    from apps.incidents.models import IncidentStatus, StoreIncident
    from apps.operations.models import ExceptionKind, OpsException
    from tests.factories import make_network

    network = make_network()
    now = timezone.now()
    for number in range(8):
        StoreIncident.objects.create(
            store=network.store_a, category="refrigeration", urgency="high", title=f"Freezer {number} warm",
            odoo_model="maintenance.request", status=IncidentStatus.IN_PROGRESS, odoo_assignee="Sam Fixer",
            odoo_team="Refrigeration Contractors", created_at=now - timedelta(hours=number),
            deadline=now + timedelta(hours=4 - number))
    OpsException.objects.create(store=network.store_a, kind=ExceptionKind.LATE_RECEIPT, odoo_model="stock.picking",
                                odoo_id=7, title="Receipt WH/IN/00007 late")
    client = Client()
    client.force_login(network.manager_a)
    return str(client.cookies["sessionid"].value)


def transferred(context: Any, visit: Any) -> tuple[int, int, list[str]]:
    """Bytes received over the network while `visit()` runs, the number of responses, and the largest."""
    seen: list[tuple[int, str]] = []

    def finished(request: Any) -> None:
        response = request.response()
        if response is None or response.from_service_worker:
            return
        sizes = request.sizes()
        seen.append((sizes["responseHeadersSize"] + max(0, sizes["responseBodySize"]), request.url))

    context.on("requestfinished", finished)
    visit()
    time.sleep(1.0)  # late requests (the worker's installation) finish
    context.remove_listener("requestfinished", finished)
    seen.sort(reverse=True)
    return sum(size for size, _ in seen), len(seen), [f"{size / 1024:.1f} KB {url}" for size, url in seen[:3]]


def main() -> None:
    var_dir = tempfile.mkdtemp(prefix="ct-bench-store-")
    for name in ("DATABASE_URL", "REDIS_URL", "CT_ENV"):
        os.environ.pop(name, None)
    os.environ.update({"CT_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "controltower.settings",
                       "CT_LOG_LEVEL": "WARNING", "PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS": "1"})
    import django

    django.setup()
    from _django import web_process
    from django.conf import settings
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    call_command("migrate", verbosity=0)
    session = seed()
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    failures = 0
    with web_process(env, settings.BASE_DIR) as (base, _pid):
        print(f"Store app page weight at 390x844 (uvicorn, embedded settings, uncompressed static); budget: first "
              f"load <= {FIRST_BUDGET_KB:g} KB, repeat visit <= {REPEAT_BUDGET_KB:g} KB")
        print(f"{'page':12} {'visit':7} {'transferred':>12} {'responses':>9}  largest")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                for label, path in PAGES:
                    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                  has_touch=True, device_scale_factor=2)
                    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
                    page = context.new_page()

                    def first(page: Any = page, path: str = path) -> None:
                        page.goto(base + path, wait_until="networkidle")
                        for _ in range(100):  # the worker installed and took the page
                            if page.evaluate("navigator.serviceWorker.controller !== null"):
                                break
                            page.wait_for_timeout(100)

                    def again(page: Any = page, path: str = path) -> None:
                        page.goto(base + path, wait_until="networkidle")

                    for visit, run, budget in (("first", first, FIRST_BUDGET_KB), ("repeat", again, REPEAT_BUDGET_KB)):
                        size, count, largest = transferred(context, run)
                        verdict = "ok" if size / 1024 <= budget else "OVER"
                        failures += verdict == "OVER"
                        print(f"{label:12} {visit:7} {size / 1024:9.1f} KB {count:9d}  {'; '.join(largest)}  "
                              f"[{verdict}]")
                    context.close()
            finally:
                browser.close()
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
