"""Run the whole demo in one foreground process group: Odoo sandbox, web, worker and scheduler.

Ctrl-C (or SIGTERM) stops every child cleanly; if one child dies, the others are stopped too, so a
half-running demo never hides a failure.

Live updates need every process on one channel layer: a local Redis when one answers; otherwise the
worker and scheduler relay their notices to the web process (`CT_LIVE_RELAY_URL`, see apps/live/relay.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.portal.demo import demo_environment_defaults, demo_odoo_prepare


def _redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _local_url(host: str, port: int, path: str) -> str:
    """The web process's `path`, as the other processes on this machine reach it."""
    if host in ("", "0.0.0.0"):  # noqa: S104 (a bind address, not a bind)
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{port}{path}"


def _relay_url(host: str, port: int) -> str:
    """The web process's relay endpoint, as the worker and scheduler on this machine reach it."""
    return _local_url(host, port, "/live/relay/")


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
        with_sandbox = not options["no_sandbox"] and "apps.odoo_sandbox" in settings.INSTALLED_APPS
        if with_sandbox:
            demo_environment_defaults(os.environ)  # before the children's environments are made
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
        if with_sandbox:
            # Hints come from the rules odoo_setup installs, as in a real Odoo (not a sandbox shortcut).
            odoo_port = urlparse(settings.ODOO_URL).port or 8069
            commands.append(("odoo-sandbox", [python, manage, "odoo_sandbox", "--port", str(odoo_port),
                                              "--simulate", str(options["simulate"]), "--calm-health"]))
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
        # Order: Odoo, then the web; once it answers, Odoo made ready (setup, stores tagged, then the hint
        # rules, so every hint finds the web answering), then the worker and scheduler.
        children: dict[str, subprocess.Popen[bytes]] = {}
        for name, cmd in commands:
            if name == "worker" and "odoo-sandbox" in children:
                self._wait_answering("Odoo sandbox", settings.ODOO_URL, children)
                self._wait_answering("web server", _local_url(options["host"], options["port"], "/login/"), children)
                demo_odoo_prepare(site_url=site, out=self.stdout)
            children[name] = subprocess.Popen(cmd, env=task_env if name in ("worker", "scheduler") else env)  # noqa: S603
        self.stdout.write(self.style.SUCCESS(f"\nControl Tower is running at {site}/  (Ctrl-C stops everything)"))
        self.stdout.write(f"Sign-ins are above; they are kept in {Path(settings.VAR_DIR) / 'demo-logins.txt'}.")
        self._supervise(children)

    def _wait_answering(self, what: str, url: str, children: dict[str, subprocess.Popen[bytes]]) -> None:
        """Until the server at `url` answers HTTP (any status: it is up and has loaded its code), so
        Odoo's first hints find a web that answers within their one-second timeout. A child that died
        stops the wait."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and all(child.poll() is None for child in children.values()):
            try:
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310 (our own children's address)
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.2)
        self.stderr.write(f"The {what} does not answer at {url}.")

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
