"""`python manage.py odoo_sandbox --port 8069 [--simulate 5] [--odoo-version 19.0] [--hints-url URL]`"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.odoo_sandbox.cli import add_arguments, serve


class Command(BaseCommand):
    help = "Run the Odoo sandbox: a seeded fake Odoo server for demo mode and tests, until Ctrl+C or SIGTERM."

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        serve(options, write=lambda line: self.stdout.write(line))
