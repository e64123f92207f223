"""Run the sync now, with a progress bar for a long first sync."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.sync.engine import feed_reconcile, feed_sync
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, RunStatus, SyncRun


class Command(BaseCommand):
    help = "Synchronise the feeds from Odoo now (incremental unless --full), then reconcile."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--feed", action="append", help="Only this feed slug (repeatable).")
        parser.add_argument("--full", action="store_true", help="Refetch every open record.")
        parser.add_argument("--no-reconcile", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        feeds_ensure()
        feeds = Feed.objects.filter(enabled=True)
        if options["feed"]:
            feeds = feeds.filter(slug__in=options["feed"])
        failed = False
        for feed in feeds:
            run = feed_sync(feed, full=options["full"], progress=self._bar)
            self._report(run)
            failed |= run.status == RunStatus.FAILED
            if not options["no_reconcile"] and run.status == RunStatus.OK:
                self._report(feed_reconcile(feed))
        if failed:
            raise CommandError("Some feeds failed; see the errors above and the sync runs in the admin.")

    def _bar(self, run: SyncRun) -> None:
        if run.progress is None:
            return
        width = 30
        done = int(run.progress * width)
        self.stdout.write(f"\r  {run.feed.slug:<22} [{'#' * done}{'.' * (width - done)}] "
                          f"{run.fetched}/{run.total_expected}", ending="")
        self.stdout.flush()

    def _report(self, run: SyncRun) -> None:
        style = self.style.ERROR if run.status == RunStatus.FAILED else self.style.SUCCESS
        self.stdout.write("\r" + style(
            f"  {run.feed.slug:<22} {run.kind:<11} {run.status:<7} fetched {run.fetched} created {run.created} "
            f"updated {run.updated} closed {run.closed} rpc {run.rpc_calls}" + (f"  {run.error}" if run.error else "")
        ))
