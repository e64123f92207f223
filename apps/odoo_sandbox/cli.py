"""Command-line entry shared by `python -m apps.odoo_sandbox` and `manage.py odoo_sandbox`."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from .server import SandboxServer


def add_arguments(parser: argparse.ArgumentParser | Any) -> None:
    parser.add_argument("--port", type=int, default=8069, help="port to listen on (0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--odoo-version", default="18.0", help="Odoo version to pretend to be; 19.0+ enables JSON-2")
    parser.add_argument("--db", default="retail", help="database name (default retail)")
    parser.add_argument(
        "--simulate", type=float, default=None, metavar="SECONDS", help="run the activity simulator every SECONDS"
    )
    parser.add_argument("--hints-url", default=None, help="also POST a webhook hint for every change to this URL")
    parser.add_argument("--hint-models", default="", metavar="MODEL,...",
                        help="with --hints-url: only changes of these models (default: every model)")
    parser.add_argument("--no-network", action="store_true", help="seed only Odoo's demo data, not the 24 stores")
    parser.add_argument("--seed", type=int, default=42, help="random seed of the demo data and simulator")
    parser.add_argument("--calm-health", action="store_true",
                        help="no failing scheduled actions and one bounced e-mail, and the simulator leaves them "
                             "alone (the demo: one degraded signal instead of a failing Odoo)")


def serve(options: dict[str, Any], write: Callable[[str], None] = print) -> int:
    """Start the sandbox, print how to reach it, and run until SIGINT or SIGTERM."""
    server = SandboxServer(
        host=options["host"],
        port=options["port"],
        version=options["odoo_version"],
        db=options["db"],
        seed_network=not options["no_network"],
        simulate=options["simulate"],
        hints_url=options["hints_url"],
        hint_models=[model.strip() for model in (options.get("hint_models") or "").split(",") if model.strip()],
        random_seed=options["seed"],
        calm_health=bool(options.get("calm_health")),
    )
    server.start()
    write(f"Odoo sandbox {server.version} listening on {server.url} (database {server.db!r})")
    for user in server.users():
        write(
            f"  user {user['login']:<6} password {user['password']:<13} uid {user['uid']:<3} api key {user['api_key']}"
        )
    if options["simulate"]:
        write(f"  activity simulator: every {options['simulate']:g}s")
    if server.sandbox.major < 19:
        write("  JSON-2 routes are off (Odoo < 19); use --odoo-version 19.0 to enable them")
    write("  fault injection: GET/POST /sandbox/faults; Ctrl+C to stop")
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.stop()
        write("Odoo sandbox stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m apps.odoo_sandbox", description="Run the fake Odoo server.")
    add_arguments(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )
    return serve(vars(args))
