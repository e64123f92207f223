"""`run_demo` picks how the worker's live notices reach the browsers: the configured Redis, a local
Redis that answers, or else the web process's relay (worker and scheduler only)."""

from __future__ import annotations

from apps.portal.management.commands.run_demo import child_environments, worker_command

BASE = {"PATH": "/usr/bin", "CT_LIVE_RELAY_URL": "http://elsewhere/"}


def test_without_redis_the_worker_and_scheduler_relay_to_the_web_process() -> None:
    web, tasks = child_environments(BASE, host="127.0.0.1", port=8000, redis_url="", redis_found=False)
    assert tasks["CT_LIVE_RELAY_URL"] == "http://127.0.0.1:8000/live/relay/"
    assert "CT_LIVE_RELAY_URL" not in web  # the web process sends on its own layer
    assert "REDIS_URL" not in web
    assert "REDIS_URL" not in tasks
    assert tasks["PATH"] == web["PATH"] == "/usr/bin"


def test_a_wildcard_bind_address_is_reached_on_the_loopback() -> None:
    _, tasks = child_environments(BASE, host="0.0.0.0", port=8001, redis_url="", redis_found=False)
    assert tasks["CT_LIVE_RELAY_URL"] == "http://127.0.0.1:8001/live/relay/"
    _, tasks = child_environments(BASE, host="::", port=8001, redis_url="", redis_found=False)
    assert tasks["CT_LIVE_RELAY_URL"] == "http://[::1]:8001/live/relay/"


def test_with_redis_nothing_relays() -> None:
    web, tasks = child_environments(BASE, host="127.0.0.1", port=8000, redis_url="", redis_found=True)
    assert web["REDIS_URL"] == tasks["REDIS_URL"] == "redis://127.0.0.1:6379/0"
    assert "CT_LIVE_RELAY_URL" not in web
    assert "CT_LIVE_RELAY_URL" not in tasks
    web, tasks = child_environments(BASE, host="127.0.0.1", port=8000, redis_url="redis://cache:6379/0",
                                    redis_found=False)
    assert "CT_LIVE_RELAY_URL" not in web
    assert "CT_LIVE_RELAY_URL" not in tasks


def test_the_demo_allows_webhook_receivers_on_this_machine() -> None:
    from apps.webhooks import conf

    web, tasks = child_environments(BASE, host="127.0.0.1", port=8000, redis_url="", redis_found=False)
    assert web["CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"] == tasks["CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"]
    names, networks = conf.allowed_hosts_parse(web["CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"].split(","))
    assert "localhost" in names
    assert any(network.version == 6 for network in networks)
    mine = {**BASE, "CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS": "n8n.internal"}
    web, tasks = child_environments(mine, host="127.0.0.1", port=8000, redis_url="", redis_found=False)
    assert web["CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"] == tasks["CT_OUTBOUND_WEBHOOK_ALLOWED_HOSTS"] == "n8n.internal"


def test_the_demo_worker_consumes_every_queue() -> None:
    command = worker_command("python")
    queues = command[command.index("--queues") + 1].split(",")
    assert sorted(queues) == ["decisions", "housekeeping", "sync", "webhooks"]
