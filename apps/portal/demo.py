"""Making the demo's Odoo ready, as an operations admin would a stock Odoo (`run_demo`, and the test
that the demo starts healthy): `odoo_setup --yes` with the company's main warehouse declared no
store, the Odoo users setting the store on the seeded documents (the sandbox acting as them), then
the hint rules pointing at the portal.

The demo's health page then shows one deliberate degraded signal, Odoo's bounced e-mail (the sandbox's
`--calm-health`), and nothing else."""

from __future__ import annotations

import contextlib
import json
import os
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError


class Writer(Protocol):
    def write(self, msg: str) -> Any: ...


# Stock Odoo's main warehouse ("WH") holds Odoo's own demo receipts; the demo's stores are the others.
DEMO_WAREHOUSES_NOT_STORES = "WH"


def demo_environment_defaults(environ: dict[str, str] | os._Environ[str]) -> None:
    """The demo's configuration an operator would write down: the main warehouse is no store."""
    environ.setdefault("CT_ODOO_WAREHOUSES_NOT_STORES", DEMO_WAREHOUSES_NOT_STORES)


def demo_odoo_prepare(*, site_url: str, out: Writer) -> int:
    """Make the sandbox ready as an operator makes a stock Odoo; returns how many documents Odoo's users
    tagged. In the order it happens in a store chain: `odoo_setup --yes` (the store field), Odoo's users
    set the store on their documents, then the hint rules point Odoo at the portal (run this once the
    web answers: from then on every change Odoo makes hints it). Tagging after the rules would send a
    burst of a hint per document that the hint rate limit refuses; the first sync reads them anyway."""
    out.write("Making the Odoo sandbox ready (odoo_setup --yes)…\n")
    try:
        call_command("odoo_setup", "--yes", stdout=out)
    except CommandError as exc:
        out.write(f"Odoo is not fully ready: {exc}\n")
    from apps.integration.conf import STORE_FIELD

    body = json.dumps({"field": STORE_FIELD}).encode()
    request = urllib.request.Request(f"{settings.ODOO_URL.rstrip('/')}/sandbox/tag-stores", data=body,  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    tagged = 0
    with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
        tagged = int(json.loads(answer.read()).get("tagged", 0))
    out.write(f"Store set on {tagged} seeded Odoo documents.\n")
    out.write(f"Hint rules in Odoo pointing at {site_url}:\n")
    call_command("install_odoo_webhooks", "--url", site_url, stdout=out)
    return tagged
