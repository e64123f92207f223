"""`manage.py rollups_reconcile [--rebuild]`: prove the dashboard rollups equal the rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.dashboards.rollups import rollups_compare, rollups_rebuild


class Command(BaseCommand):
    help = ("Compare every stored dashboard rollup cell (store, day, kind) up to yesterday with the same cell "
            "computed from the rows; exit 1 on any difference. --rebuild recomputes every cell first.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="recompute every cell from the rows first")
        parser.add_argument("--show", type=int, default=10, help="differences printed (default 10)")

    def handle(self, *args: Any, rebuild: bool = False, show: int = 10, **options: Any) -> None:
        if rebuild:
            written = rollups_rebuild()
            self.stdout.write(f"rebuilt {written} cells from the rows")
        mismatches = rollups_compare()
        for mismatch in mismatches[:show]:
            self.stdout.write(f"{mismatch.kind} store {mismatch.store_id} {mismatch.day}: stored {mismatch.stored} "
                              f"!= rows {mismatch.computed}")
        if mismatches:
            raise CommandError(f"{len(mismatches)} rollup cells differ from the rows "
                               "(run with --rebuild to recompute them).")
        self.stdout.write("rollups agree with the rows")
