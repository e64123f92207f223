"""Shared pieces of the end-to-end tests in Debian's headless Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import connections

from tests.factories import PASSWORD

T = TypeVar("T")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

# Module marks for a browser test file: CI sets CT_REQUIRE_BROWSER, so a missing browser fails there.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CT_REQUIRE_BROWSER"),
                       reason="Debian's Chromium is not installed (set CT_REQUIRE_BROWSER to make this fail)"),
]


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def in_thread(work: Callable[[], T]) -> T:
    """Playwright's sync API runs an event loop in this thread, where Django refuses ORM calls: work
    that a worker would do runs in its own thread."""
    def run() -> T:
        try:
            return work()
        finally:
            connections.close_all()  # the thread ends; its connection must not outlive the test database

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def sign_in(page: Any, base: str, username: str, next_path: str = "/") -> None:
    page.goto(f"{base}/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    # The page signed in to, loaded: its deferred scripts (htmx, the page's keys) have run before the test
    # acts on it. Without the wait a busy machine lets a key press reach a page no script listens on yet.
    page.wait_for_url(lambda url: "/login/" not in url, wait_until="load")


def session_cookie(user: Any, url: str) -> dict[str, Any]:
    """A signed-in session for `user` as a browser cookie for `url` (skips the sign-in form)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}
