"""Fixtures shared by every test: a small network and one person per role."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.factories import Network, make_network
from tests.parallel import WorkerEnvironmentError, worker_environment


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_setupnodes(config: pytest.Config, specs: Sequence[Any]) -> None:
    """Each xdist worker starts with a Redis database and a var folder of its own (tests/parallel.py):
    set in its environment, as settings are read before any conftest runs on the worker."""
    for number, spec in enumerate(specs):
        try:
            spec.env.update(worker_environment(number=number, worker_id=spec.id, environ=os.environ,
                                               base_dir=Path(config.rootpath)))
        except WorkerEnvironmentError as exc:
            raise pytest.UsageError(str(exc)) from exc


@pytest.fixture
def network(db: None) -> Network:
    return make_network()


@pytest.fixture(scope="session")
def compiled_catalogs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """French and Spanish compiled (.mo files are not committed; `make test` compiles them too) and read
    afresh by this process: for tests that read pages, messages or notifications in those languages.
    One process at a time (parallel workers share the run's temporary root): msgfmt rewrites a .mo in
    place, and another worker could read it half written; the next one finds it up to date."""
    from django.core.management import call_command
    from django.utils.translation import trans_real

    shared = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:  # the worker's own folder sits in the run's
        shared = shared.parent
    with (shared / "compilemessages.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("compilemessages", locale=["fr", "es"], ignore_patterns=[".venv"], verbosity=0)
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A request in French leaves French active in the thread (LocaleMiddleware activates, never
    deactivates): each test starts in the portal's own language."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests create many users; production hashing strength is not what they check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Close connections after each use so async tests' worker threads do not hold the test database.
    Asks for pytest-django's own suffix, which this fixture replaces: each xdist worker's test database
    is named after the worker (test_<name>_gw0, ...)."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # No connection pool in tests: threads of live servers and async consumers keep their connection
    # for the whole test, outside any request cycle, and would drain a pool sized for web processes.
    # The pool is exercised under load by bench/load.py.
    settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)


@pytest.fixture(scope="session", autouse=True)
def _stray_connections_closed(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Before the test database is dropped: connections that threads of finished tests left open
    (ASGI servers, executor threads of async consumers) would make PostgreSQL refuse the drop."""
    yield
    from django.db import connection, connections

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        connections.close_all()


@pytest.fixture(scope="module")
def odoo_server(request):  # type: ignore[no-untyped-def]
    """A fresh Odoo sandbox over real HTTP, seeded with the demo retail network, per test module, made
    ready as `odoo_setup --yes` makes a stock Odoo (its store field tagged on the seeded documents).
    Odoo 18 unless a test asks for another version (`tests.odoo_versions.EVERY_ODOO`)."""
    from apps.odoo_sandbox.testing import running_sandbox
    from tests.odoo_ready import portal_ready

    with running_sandbox(version=getattr(request, "param", None) or "18.0") as server:
        portal_ready(server)
        yield server


@pytest.fixture
def odoo(odoo_server, settings):  # type: ignore[no-untyped-def]
    """The process gateway pointed at the sandbox (faults cleared), as the portal's code gets it."""
    from apps.odoo_gateway import get_gateway, reset_gateway

    settings.ODOO_URL = odoo_server.url
    settings.ODOO_DB = odoo_server.db
    settings.ODOO_LOGIN, settings.ODOO_PASSWORD, settings.ODOO_API_KEY = "admin", "admin", ""
    if odoo_server.sandbox.major >= 19:  # as README "Connect your Odoo" says: an API key, so JSON-2
        settings.ODOO_API_KEY = odoo_server.api_key_for("admin")
    settings.ODOO_TRANSPORT = "auto"
    odoo_server.faults.latency, odoo_server.faults.error_rate, odoo_server.faults.down = 0, 0, False
    reset_gateway()
    yield get_gateway()
    odoo_server.faults.latency, odoo_server.faults.error_rate, odoo_server.faults.down = 0, 0, False
    reset_gateway()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: with Redis (CI) entries would outlive the test and its
    database rows."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_undo_window(settings) -> None:  # type: ignore[no-untyped-def]
    """Decisions' write-backs start at once unless a test is about the undo window (it sets
    CT_APPROVAL_UNDO_SECONDS itself): most tests run the worker right after deciding."""
    settings.CT_APPROVAL_UNDO_SECONDS = 0
