"""Live fan-out: 1,000 websocket clients on the ASGI server (uvicorn; one process, or two as the compose
topology runs the web service: `--web-processes 2`, clients spread evenly) with the Redis channel layer;
one change is announced and the time until each client has the notice is measured, against a bare echo
(a consumer that relays a group message, no sign-in, no scope check) through the same server and layer in
the same run (target: p95 <= 500 ms on a 2-core machine).

    .venv/bin/python bench/fanout.py --clients 1000 --events 5   # Redis from REDIS_URL or 127.0.0.1:6379
    .venv/bin/python bench/fanout.py --web-processes 2            # two web processes on one Redis

The signed-in clients are a store's managers, its regional managers and HQ (a third each, ten browser
tabs per person), so one announcement reaches all of them through the store, region and network
groups. Uses its own SQLite database under a temporary directory and Redis database 9 of the server.

The server runs the shipped channel-layer configuration (controltower/settings.py: a socket timeout
longer than channels_redis's blocking pop, a pool of CT_CHANNEL_LAYER_MAX_CONNECTIONS). Clients connect
in waves of 50, as a morning of page loads would rather than all in one instant. Both audiences (echo
and live, 2 x clients websockets) stay connected and their notices alternate, so a change in the
machine's load hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controltower.settings")

ECHO_GROUP = "bench-echo"


# -- the ASGI application uvicorn serves: the portal's, plus the bare echo -----------------------

def _application() -> Any:
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.routing import URLRouter
    from django.urls import path

    import controltower.asgi as portal

    class EchoConsumer(AsyncJsonWebsocketConsumer):
        """The baseline: joins one group and relays what it hears, nothing else."""

        async def connect(self) -> None:
            await self.channel_layer.group_add(ECHO_GROUP, self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            """Leaves nothing: the membership expires with the layer's group expiry. (A thousand
            unbounded leaves at once would exhaust the Redis pool; the portal's consumer bounds them.)"""

        async def echo_message(self, event: dict[str, Any]) -> None:
            await self.send_json({"sent": event["sent"]})

    echo = URLRouter([path("ws/echo/", EchoConsumer.as_asgi())])

    async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/ws/echo/":
            await echo(scope, receive, send)
        else:
            await portal.application(scope, receive, send)

    return application


if __name__ != "__main__":  # imported by uvicorn as "fanout:application"
    application = _application()


# -- the benchmark --------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def seed(clients: int) -> tuple[int, list[str]]:
    """A store, its region, people in each role and one session per client (ten tabs a person)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.core.management import call_command

    from apps.organisation.models import Region, Store
    from apps.organisation.roles import Role
    from apps.organisation.services import role_grant

    call_command("migrate", verbosity=0)
    region = Region.objects.create(code="BENCH", name="Bench")
    store = Store.objects.create(region=region, code="B001", name="Bench store", odoo_warehouse_id=9001)
    engine = import_module(settings.SESSION_ENGINE)
    people = max(1, clients // 10)
    sessions = []
    for n in range(people):
        user = get_user_model().objects.create_user(username=f"fanout-{n}")
        role, where = [(Role.STORE_MANAGER, {"store": store}), (Role.REGIONAL_MANAGER, {"region": region}),
                       (Role.HQ_EXECUTIVE, {})][n % 3]
        role_grant(user=user, role=role, **where)
        for _ in range(10):
            session = engine.SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            sessions.append(session.session_key)
    return store.pk, sessions[:clients]


async def _client(url: str, headers: dict[str, str], ready: asyncio.Event, arrivals: list[float],
                  expected: int, opened: list[int]) -> None:
    import websockets

    async with websockets.connect(url, additional_headers=headers, open_timeout=60, ping_interval=None,
                                  max_queue=None) as ws:
        opened.append(1)
        await ready.wait()
        for _ in range(expected):
            json.loads(await ws.recv())
            arrivals.append(time.time())


CONNECT_BATCH = 50


async def _opened(tasks: list[asyncio.Task[None]], opened: list[int], count: int) -> None:
    while len(opened) < count:
        await asyncio.sleep(0.02)
        failed = [task for task in tasks if task.done() and task.exception()]
        if failed:
            raise failed[0].exception()  # type: ignore[misc]


@dataclass
class Audience:
    """One set of connected clients and the arrival times of the notice being measured."""

    path: str
    tasks: list[asyncio.Task[None]]
    arrivals: list[float]


async def connect(bases: list[str], path: str, cookies: list[str | None], ready: asyncio.Event,
                  events: int) -> Audience:
    """Clients spread evenly over the web processes, as a load balancer in front of them would."""
    opened: list[int] = []
    audience = Audience(path, [], [])
    connecting = time.monotonic()
    for number, cookie in enumerate(cookies):
        base = bases[number % len(bases)]
        headers = {"Origin": base.replace("ws://", "http://"), **({"Cookie": f"sessionid={cookie}"} if cookie else {})}
        audience.tasks.append(asyncio.create_task(
            _client(f"{base}{path}", headers, ready, audience.arrivals, events, opened)))
        if len(audience.tasks) % CONNECT_BATCH == 0:  # connect in waves (see the module docstring)
            await _opened(audience.tasks, opened, len(audience.tasks))
    await _opened(audience.tasks, opened, len(cookies))
    print(f"{path}: {len(cookies)} clients connected in {time.monotonic() - connecting:.1f} s", flush=True)
    return audience


async def measure(audience: Audience, announce: Any, clients: int) -> list[float]:
    """Announce one change and wait until every client has it (30 s at most): latency per delivery."""
    audience.arrivals.clear()
    started = time.time()
    await announce(started)
    deadline = time.monotonic() + 30
    while len(audience.arrivals) < clients and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
    return [arrival - started for arrival in list(audience.arrivals)]


async def run(bases: list[str], sessions: list[str], echo: Any, live: Any,
              events: int) -> tuple[list[float], list[float]]:
    """Both audiences connected at once; echo and live notices alternate, so both meet the same load."""
    ready = asyncio.Event()
    echoes = await connect(bases, "/ws/echo/", [None] * len(sessions), ready, events)
    lives = await connect(bases, "/ws/live/", list(sessions), ready, events)
    ready.set()
    await asyncio.sleep(0.5)
    echo_latencies: list[float] = []
    live_latencies: list[float] = []
    for _ in range(events):
        echo_latencies.extend(await measure(echoes, echo, len(sessions)))
        await asyncio.sleep(0.3)
        live_latencies.extend(await measure(lives, live, len(sessions)))
        await asyncio.sleep(0.3)
    await asyncio.gather(*echoes.tasks, *lives.tasks, return_exceptions=True)
    return echo_latencies, live_latencies


def wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("uvicorn did not start listening within 60 s")


def _own_database(url: str) -> str:
    """The same Redis server, database 9: the benchmark never shares keys with a running portal."""
    from urllib.parse import urlparse

    return urlparse(url)._replace(path="/9").geturl()


def redis_check(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"bench/fanout.py needs Redis at {url} ({exc}); set REDIS_URL or --redis.") from exc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--redis", default=_own_database(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"),
                        help="Redis for the channel layer (default: REDIS_URL's server, database 9)")
    parser.add_argument("--web-processes", type=int, default=1,
                        help="uvicorn processes on one Redis, clients spread evenly (the compose file runs 2)")
    args = parser.parse_args()
    redis_check(args.redis)
    var_dir = tempfile.mkdtemp(prefix="ct-fanout-")
    env = {**os.environ, "REDIS_URL": args.redis, "CT_VAR_DIR": var_dir, "DATABASE_URL": "",
           "DJANGO_DEBUG": "false", "CT_LOG_LEVEL": "WARNING", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    os.environ.update(env)
    import django

    django.setup()
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer

    from apps.live.broadcast import panels_changed

    store_id, sessions = seed(args.clients)
    ports = [18000 + os.getpid() % 1000 * 2 + n for n in range(args.web_processes)]
    servers = [subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "fanout:application", "--app-dir", str(ROOT / "bench"), "--host",
         "127.0.0.1", "--port", str(port), "--log-level", "warning", "--backlog", "4096"], env=env, cwd=str(ROOT))
        for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for_port(port, server)
        layer = get_channel_layer()

        async def echo(started: float) -> None:
            await layer.group_send(ECHO_GROUP, {"type": "echo.message", "sent": started})

        async def live(started: float) -> None:
            await sync_to_async(panels_changed)(store_id=store_id, topics=["incidents"])

        bases = [f"ws://127.0.0.1:{port}" for port in ports]
        echo_latencies, live_latencies = asyncio.run(run(bases, sessions, echo, live, args.events))
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:  # open websockets can hold a graceful shutdown
                server.kill()
                server.wait(timeout=10)
    expected = args.clients * args.events
    print(f"{args.clients} clients, {args.events} events, Redis layer, uvicorn ({args.web_processes} "
          f"process{'es' if args.web_processes > 1 else ''}), {os.cpu_count()} CPUs")
    print(f"{'':<22} {'delivered':>10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in (("bare echo (baseline)", echo_latencies), ("live notice", live_latencies)):
        print(f"{name:<22} {len(values):>5}/{expected:<4} {percentile(values, .5) * 1000:>8.0f} "
              f"{percentile(values, .95) * 1000:>8.0f} {max(values) * 1000:>8.0f}")
    live_p95, echo_p95 = percentile(live_latencies, .95), percentile(echo_latencies, .95)
    print(f"live / echo: p50 {percentile(live_latencies, .5) / percentile(echo_latencies, .5):.2f}x, "
          f"p95 {live_p95 / echo_p95:.2f}x ({(live_p95 - echo_p95) * 1000:+.0f} ms); "
          f"mean {statistics.mean(live_latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
