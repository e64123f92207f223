"""Shared by the list tests: follow a list's Next links from a first page to the end."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from django.test import Client


def next_link(body: str, rel: str = "next") -> str | None:
    found = re.search(rf'<a href="\?([^"]*)" rel="{rel}">', body)
    return html.unescape(found.group(1)) if found else None


def walk(client: Client, url: str, query: str, rows: Callable[[Any], list[Any]]) -> list[int]:
    """The ids of every row of the list, page after page (at most 100 pages)."""
    seen: list[int] = []
    current: str | None = query
    for _ in range(100):
        if current is None:
            return seen
        response = client.get(f"{url}?{current}")
        assert response.status_code == 200
        seen += [row.pk for row in rows(response)]
        current = next_link(response.content.decode())
    raise AssertionError("more than 100 pages")
