"""The portal's web process (uvicorn, as deployed) and its memory: resident size after start-up and after
a number of cold requests of every dashboard, read from /proc (used by bench/dashboards.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def _rss_mb(pid: int) -> tuple[float, float]:
    """Resident set size now and at its peak (VmRSS, VmHWM), in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure_web_memory(cases: list[tuple[str, Any, str, Any]], rounds: int) -> dict[str, float]:
    """The portal's web process (uvicorn, as deployed) on this database: RSS after start-up and after
    `rounds` cold requests of every dashboard (target: <= 250 MB)."""
    import os
    import socket
    import subprocess
    import sys
    import tempfile
    import urllib.request

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from apps.dashboards import conf

    conf.CACHE_SECONDS = 0
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": "", "DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "CT_VAR_DIR": tempfile.mkdtemp(prefix="ct-bench-web-"), "CT_LOG_LEVEL": "WARNING",
           "CT_STATIC_ROOT": tempfile.mkdtemp(prefix="ct-bench-static-")}
    if db.get("PASSWORD"):
        env["DATABASE_URL"] = database_url.replace("@", f":{db['PASSWORD']}@", 1)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "controltower.asgi:application", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning", "--no-access-log"],
                              env=env, cwd=str(Path(settings.BASE_DIR)))
    try:
        cookies = {}
        for _, user, _, _ in cases:
            if user.pk not in cookies:
                client = Client()
                client.force_login(user)
                cookies[user.pk] = client.cookies["sessionid"].value

        def get(user: Any, url: str) -> None:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{url}",
                                             headers={"Cookie": f"sessionid={cookies[user.pk]}"})
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.status == 200, url
                response.read()

        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the web process did not start") from None
                time.sleep(0.2)
        started, _ = _rss_mb(server.pid)
        for _ in range(rounds):
            for _, user, url, _ in cases:
                get(user, url)
        after, peak = _rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"started": started, "after": after, "peak": peak, "requests": rounds * len(cases)}
