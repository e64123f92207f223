"""Install, in the Odoo database, the automation rules that send the portal webhook hints (or, with
`--remove`, take them out)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.sync.feeds import feeds_ensure
from apps.sync.webhooks import webhook_rules_install, webhook_rules_remove


class Command(BaseCommand):
    help = ("Create or update one 'Send Webhook Notification' automation rule per mirrored Odoo model, "
            "narrowed to the feeds' records and fields; --remove takes them out.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", help="The portal's public base URL, as Odoo reaches it.")
        parser.add_argument("--remove", action="store_true",
                            help="Remove the portal's rules and their server actions from Odoo.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
            lines = webhook_rules_remove()
        elif options["url"]:
            feeds_ensure()
            lines = webhook_rules_install(base_url=options["url"])
        else:
            raise CommandError("Give --url (install or update the rules) or --remove.")
        for line in lines:
            self.stdout.write(f"  {line}")
