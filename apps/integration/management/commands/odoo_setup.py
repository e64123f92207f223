"""Make a stock Odoo ready for the portal, safely re-runnable: check, then (with consent) fix."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from apps.health.services import readiness_record
from apps.integration.selectors import Readiness, readiness_check, server_major
from apps.integration.services import StoreMapError, setup_apply, stores_map, stores_read_csv, stores_template
from apps.odoo_gateway import get_gateway
from apps.sync.feeds import feeds_ensure
from apps.sync.webhooks import webhook_rules_install

MARKS = {"ok": "ok  ", "missing": "MISS", "warning": "warn"}


class Command(BaseCommand):
    help = ("Check that the configured Odoo is ready for the portal (rights, store field, incident targets, stores, "
            "purchase approval) and, with consent, fix what can be fixed. Exit 1 when something is missing.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--check", action="store_true", help="Report only; exit 1 when something is missing.")
        parser.add_argument("--yes", action="store_true", help="Apply the fixes without asking.")
        parser.add_argument("--stores", metavar="CSV", help="Create or map stores from a CSV "
                            "(warehouse,store_code,store_name,region[,timezone]).")
        parser.add_argument("--stores-template", action="store_true",
                            help="Print Odoo's warehouses as a CSV to fill in for --stores, and stop.")
        parser.add_argument("--webhooks", metavar="URL", help="Also install the hint rules, pointing at this "
                            "public base URL of the portal.")

    def handle(self, *args: Any, **options: Any) -> None:
        gateway = get_gateway()
        # The built-in feeds follow the server's version (Odoo 19 approves expenses one by one); --check
        # only reports a feed defined for another version.
        for line in feeds_ensure(major=None if options["check"] else server_major(gateway)):
            self.stdout.write(f"  {line}")
        report = readiness_check(gateway)
        if options["stores_template"]:
            self.stdout.write(stores_template(report.warehouses), ending="")
            return
        self._print(report)
        if options["check"]:
            readiness_record(report)
            self._verdict(report)
            return
        if options["stores"]:
            self._map_stores(Path(options["stores"]), report)
        fixes = [f for f in report.findings if not f.ok and f.fix]
        if fixes and (options["yes"] or self._consent(len(fixes))):
            for line in setup_apply(report, gateway=gateway):
                self.stdout.write(f"  {line}")
        if options["webhooks"]:
            for line in webhook_rules_install(base_url=options["webhooks"], gateway=gateway):
                self.stdout.write(f"  hint rule {line}")
        if fixes or options["stores"] or options["webhooks"]:
            report = readiness_check(gateway)
            self.stdout.write("\nAfter setup:")
            self._print(report)
        readiness_record(report)
        self._verdict(report)

    def _map_stores(self, path: Path, report: Readiness) -> None:
        try:
            rows = stores_read_csv(path.read_text(encoding="utf-8"))
            for line in stores_map(rows, report.warehouses):
                self.stdout.write(f"  store {line}")
        except (OSError, StoreMapError) as exc:
            raise CommandError(f"{path}: {exc}") from exc

    def _consent(self, count: int) -> bool:
        if not sys.stdin.isatty():
            self.stdout.write(f"\n{count} fixes can be applied: run again with --yes.")
            return False
        return input(f"\nApply {count} fixes in Odoo and the portal? [y/N] ").strip().lower() in ("y", "yes")

    def _print(self, report: Readiness) -> None:
        self.stdout.write(f"Odoo {report.version or '?'} over {report.transport or '?'} as {report.user or '?'}")
        area = ""
        for finding in report.findings:
            if finding.area != area:
                area = finding.area
                self.stdout.write(f"\n{gettext(area)}")
            style = {"ok": self.style.SUCCESS, "missing": self.style.ERROR}.get(finding.state, self.style.WARNING)
            self.stdout.write(style(f"  [{MARKS[finding.state]}] {finding.text}"))
            if not finding.ok and finding.advice:
                self.stdout.write(f"         {finding.advice}" + ("  (odoo_setup --yes fixes this)" if finding.fix
                                                                   else ""))

    def _verdict(self, report: Readiness) -> None:
        if report.ready:
            self.stdout.write(self.style.SUCCESS(f"\nReady. {report.summary()}"))
            return
        raise CommandError(f"Not ready: {report.summary()}", returncode=1)
