"""Run the whole demo in one foreground process group: Odoo sandbox, web, worker and scheduler.

Ctrl-C (or SIGTERM) stops every child cleanly; if one child dies, the others are stopped too, so a
half-running demo never hides a failure.

Live updates need every process on one channel layer: a local Redis when one answers; otherwise the
worker and scheduler relay their notices to the web process (`CT_LIVE_RELAY_URL`, see apps/live/relay.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def _redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _relay_url(host: str, port: int) -> str:
    """The web process's relay endpoint, as the worker and scheduler on this machine reach it."""
    if host in ("", "0.0.0.0"):  # noqa: S104 (a bind address, not a bind)
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{port}/live/relay/"


DEMO_WEBHOOK_RECEIVERS = "localhost,127.0.0.0/8,::1"


def worker_command(python: str) -> list[str]:
    """The demo's one worker consumes every queue (production splits decisions off, see docker-compose)."""
    return [python, "-m", "celery", "-A", "controltower", "worker", "--loglevel", "INFO", "--concurrency", "2",
            "--queues", ",".join(settings.CELERY_QUEUE_NAMES)]


def child_environments(base: dict[str, str], *, host: str, port: int, redis_url: str, redis_found: bool,
                       ) -> tuple[dict[str, str], dict[str, str]]:
    """(web and sandbox, worker and scheduler) environments, with loopback webhook receivers allowed
    unless the allow-list is set; a local Redis when one answers and none is configured; with no Redis
    at all, the worker and scheduler relay live notices to the web process (which sends on its own
    layer, so it never relays)."""
    env = {key: value for key, value in base.items() if key != "CT_LIVE_RELAY_URL"}
    # The demo's webhook receivers run on this machine (a local n8n, a test listener): loopback is
    # listed, as an operator would list an inside receiver; production lists nothing by default.
    env.setdefault("CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS", DEMO_WEBHOOK_RECEIVERS)
    if redis_url:
        return env, dict(env)
    if redis_found:
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        return env, dict(env)
    return env, {**env, "CT_LIVE_RELAY_URL": _relay_url(host, port)}


class Command(BaseCommand):
    help = "Seed the demo and run the Odoo sandbox, the ASGI web server, a Celery worker and beat."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-sandbox", action="store_true", help="Use the Odoo configured in ODOO_URL.")
        parser.add_argument("--simulate", type=float, default=5.0, help="Seconds between simulated Odoo events.")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        site = f"http://{options['host']}:{options['port']}"
        base = {**os.environ, "CT_SITE_URL": os.environ.get("CT_SITE_URL", site), "PYTHONUNBUFFERED": "1"}
        # The in-memory channel layer lives in one process: changes made by the worker (sync,
        # write-backs) reach open browsers through a local Redis, or else through the web's relay.
        redis_found = not settings.REDIS_URL and _redis_answers("127.0.0.1", 6379)
        env, task_env = child_environments(base, host=options["host"], port=options["port"],
                                           redis_url=settings.REDIS_URL, redis_found=redis_found)
        if redis_found:
            self.stdout.write("Using the local Redis at 127.0.0.1:6379 for live updates, tasks and cache.")
        elif "CT_LIVE_RELAY_URL" in task_env:
            self.stdout.write(f"No Redis: the worker and scheduler relay live updates to "
                              f"{task_env['CT_LIVE_RELAY_URL']}.")
        commands: list[tuple[str, list[str]]] = []
        if not options["no_sandbox"] and "apps.odoo_sandbox" in settings.INSTALLED_APPS:
            odoo_port = urlparse(settings.ODOO_URL).port or 8069
            commands.append(("odoo-sandbox", [python, manage, "odoo_sandbox", "--port", str(odoo_port),
                                              "--simulate", str(options["simulate"]), "--calm-health",
                                              "--hints-url", f"{site}{self._hint_path()}",
                                              "--hint-models", ",".join(self._mirrored_models())]))
        commands += [
            ("web", [python, "-m", "uvicorn", "controltower.asgi:application", "--host", options["host"],
                     "--port", str(options["port"]), "--no-access-log"]),
            ("worker", worker_command(python)),
            ("scheduler", [python, "-m", "celery", "-A", "controltower", "beat", "--loglevel", "INFO"]),
        ]
        self.stdout.write("Seeding the demo network…")
        call_command("seed_demo", stdout=self.stdout)
        self.stdout.write("Training the incident triage model…")
        call_command("triage_train", stdout=self.stdout)
        # Fixed argument lists built above, no shell: nothing from outside reaches the command line.
        children = {name: subprocess.Popen(cmd, env=task_env if name in ("worker", "scheduler") else env)  # noqa: S603
                    for name, cmd in commands if name == "odoo-sandbox"}
        if children:
            self._odoo_ready()
        children |= {name: subprocess.Popen(cmd, env=task_env if name in ("worker", "scheduler") else env)  # noqa: S603
                     for name, cmd in commands if name != "odoo-sandbox"}
        self.stdout.write(self.style.SUCCESS(f"\nControl Tower is running at {site}/  (Ctrl-C stops everything)"))
        self.stdout.write(f"Sign-ins are above; they are kept in {Path(settings.VAR_DIR) / 'demo-logins.txt'}.")
        self._supervise(children)

    def _odoo_ready(self) -> None:
        """The sandbox starts as a stock Odoo: run `odoo_setup --yes` on it as an operations admin
        would, then let the sandbox play the Odoo users who set the store on the seeded documents."""
        url = settings.ODOO_URL.rstrip("/")
        parsed = urlparse(url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 8069), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        self.stdout.write("Making the Odoo sandbox ready (odoo_setup --yes)…")
        try:
            call_command("odoo_setup", "--yes", stdout=self.stdout)
        except CommandError as exc:
            self.stderr.write(f"Odoo is not fully ready: {exc}")
        from apps.integration.conf import STORE_FIELD

        body = json.dumps({"field": STORE_FIELD}).encode()
        request = urllib.request.Request(f"{url}/sandbox/tag-stores", data=body,  # noqa: S310 (the sandbox's URL)
                                         headers={"Content-Type": "application/json"})
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            self.stdout.write(f"Store set on {json.loads(answer.read()).get('tagged', 0)} seeded Odoo documents.")

    def _mirrored_models(self) -> list[str]:
        """The Odoo models the enabled feeds mirror: the sandbox hints only their changes, as the
        webhook rules `install_odoo_webhooks` puts into a real Odoo would."""
        from apps.sync.feeds import feeds_ensure
        from apps.sync.models import Feed

        feeds_ensure()
        return sorted(set(Feed.objects.filter(enabled=True).values_list("odoo_model", flat=True)))

    def _hint_path(self) -> str:
        try:
            from apps.sync.hints import hint_path
        except ImportError:
            return "/hooks/odoo/"
        return hint_path()

    def _supervise(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            dead = [name for name, child in children.items() if child.poll() is not None]
            if dead:
                self.stderr.write(f"{', '.join(dead)} stopped; stopping the rest.")
                break
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Stopped.")
