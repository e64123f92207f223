"""A refused or missing page is one log line without a traceback (a server error keeps its trace);
the portal has a favicon, linked from every page and answered at /favicon.ico."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from apps.portal.log_filters import ClientErrorsWithoutTraceback
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the configured console handler writes (settings.LOGGING), captured."""
    handlers = [h for h in logging.getLogger().handlers
                if any(isinstance(f, ClientErrorsWithoutTraceback) for f in h.filters)]
    assert handlers, "the console handler carries the filter"
    out = io.StringIO()
    previous = [handler.setStream(out) for handler in handlers]  # type: ignore[attr-defined]
    yield out
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)  # type: ignore[attr-defined]


def test_a_403_and_a_404_are_one_line_each(network: Network, log: io.StringIO) -> None:
    client = Client()
    client.force_login(network.manager_a)
    assert client.get("/health/").status_code == 403
    assert client.get("/incidents/999999/").status_code == 404
    lines = [line for line in log.getvalue().splitlines() if "django.request" in line]
    assert len(lines) == 2, log.getvalue()
    assert "Forbidden" in lines[0]
    assert lines[0].endswith("/health/")
    assert "Not Found: /incidents/999999/" in lines[1]
    assert "Traceback" not in log.getvalue()


def test_a_server_error_keeps_its_traceback() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", None,
                               (RuntimeError, RuntimeError("boom"), None))
    record.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(record)
    assert record.exc_info is not None


def test_the_favicon_is_linked_and_answered(network: Network) -> None:
    client = Client()
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/login/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.svg"
