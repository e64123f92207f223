"""Install, in the Odoo database, the automation rules that send the portal webhook hints."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.sync.feeds import feeds_ensure
from apps.sync.webhooks import webhook_rules_install


class Command(BaseCommand):
    help = "Create or update one 'Send Webhook Notification' automation rule per mirrored Odoo model."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", required=True, help="The portal's public base URL, as Odoo reaches it.")

    def handle(self, *args: Any, **options: Any) -> None:
        feeds_ensure()
        for line in webhook_rules_install(base_url=options["url"]):
            self.stdout.write(f"  {line}")
