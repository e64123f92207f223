"""The portal's web process (uvicorn, as deployed) and its memory: resident size after start-up and after
a number of cold requests of every dashboard, read from /proc (used by bench/dashboards.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from _django import web_process


def _rss_mb(pid: int) -> tuple[float, float]:
    """Resident set size now and at its peak (VmRSS, VmHWM), in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure_web_memory(cases: list[tuple[str, Any, str, Any]], rounds: int) -> dict[str, float]:
    """The portal's web process (uvicorn, as deployed) on this database: RSS after start-up and after
    `rounds` cold requests of every dashboard (target: <= 250 MB)."""
    import os
    import tempfile
    import urllib.request

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from apps.dashboards import conf

    conf.CACHE_SECONDS = 0
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "CT_VAR_DIR": tempfile.mkdtemp(prefix="ct-bench-web-"), "CT_LOG_LEVEL": "WARNING",
           "CT_STATIC_ROOT": tempfile.mkdtemp(prefix="ct-bench-static-")}
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = database_url.replace("@", f":{db['PASSWORD']}@", 1)
    cookies = {}
    for _, user, _, _ in cases:
        if user.pk not in cookies:
            client = Client()
            client.force_login(user)
            cookies[user.pk] = client.cookies["sessionid"].value
    with web_process(env, Path(settings.BASE_DIR)) as (base, pid):

        def get(user: Any, url: str) -> None:
            request = urllib.request.Request(f"{base}{url}", headers={"Cookie": f"sessionid={cookies[user.pk]}"})
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.status == 200, url
                response.read()

        started, _ = _rss_mb(pid)
        for _ in range(rounds):
            for _, user, url, _ in cases:
                get(user, url)
        after, peak = _rss_mb(pid)
    return {"started": started, "after": after, "peak": peak, "requests": rounds * len(cases)}
