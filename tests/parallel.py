"""What each pytest-xdist worker needs of its own, so workers running side by side cannot meet.

Workers are separate processes, each with its own test database (pytest-django suffixes the name with
the worker id). The rest of what a test touches is chosen by the environment when settings are read,
which happens before any conftest runs on the worker: the controller therefore hands each worker its
environment when it starts it (`pytest_xdist_setupnodes` in tests/conftest.py):

- `REDIS_URL` on the next database index per worker (base + worker number + 1): the cache, which every
  test clears, the channel layer's groups, the throttles and the Celery broker. A worker that shared a
  database with another would flush its cache mid-test and hear its groups. Processes a test starts
  (a real `celery worker`) inherit the worker's URL, so they meet the test and no other worker.
- `CT_VAR_DIR` (and `CT_MEDIA_ROOT` when set) in a folder named after the worker: the embedded file
  broker's queue, beat's schedule, uploads, the SQLite file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

# Redis's `databases` setting unless the server is configured otherwise.
REDIS_DATABASES = 16


class WorkerEnvironmentError(Exception):
    """The run's configuration leaves no room for one worker."""


def redis_database(url: str) -> int:
    """The database index a Redis URL selects, as redis-py reads it (`?db=` first, then the path)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if "db" in query:
        return int(query["db"])
    path = parts.path.strip("/") if parts.scheme in ("redis", "rediss") else ""
    return int(path or 0)


def redis_url_on_database(url: str, database: int) -> str:
    """The same server on another database: in the path for redis:// (as redis-py and Celery's kombu
    both read it), as `?db=` for a unix socket."""
    if not 0 <= database < REDIS_DATABASES:
        raise WorkerEnvironmentError(
            f"REDIS_URL {url!r} leaves no Redis database for this worker (index {database}, Redis has "
            f"{REDIS_DATABASES}): use a lower database in REDIS_URL or fewer workers (CT_TEST_WORKERS).")
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "db"]
    path = parts.path
    if parts.scheme in ("redis", "rediss"):
        path = f"/{database}"
    else:
        query.append(("db", str(database)))
    encoded = urlencode(query)
    # Not urlunsplit: it drops the empty host of unix:///path.
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{encoded}" if encoded else "") + (
        f"#{parts.fragment}" if parts.fragment else "")


def worker_environment(*, number: int, worker_id: str, environ: Mapping[str, str], base_dir: Path) -> dict[str, str]:
    """The variables worker `number` (`worker_id`, gw0, gw1, ...) runs with, on top of the run's own."""
    changed: dict[str, str] = {}
    redis_url = environ.get("REDIS_URL")
    if not redis_url and environ.get("REDIS_URL_FILE"):
        redis_url = Path(environ["REDIS_URL_FILE"]).read_text().strip()
    if redis_url:
        changed["REDIS_URL"] = redis_url_on_database(redis_url, redis_database(redis_url) + number + 1)
        if environ.get("REDIS_URL_FILE"):
            changed["REDIS_URL_FILE"] = ""  # the worker's URL replaces the file's (settings refuse both)
    var_dir = Path(environ.get("CT_VAR_DIR") or base_dir / "var")
    changed["CT_VAR_DIR"] = str(var_dir / "workers" / worker_id)
    if environ.get("CT_MEDIA_ROOT"):
        changed["CT_MEDIA_ROOT"] = str(Path(environ["CT_MEDIA_ROOT"]) / worker_id)
    return changed
