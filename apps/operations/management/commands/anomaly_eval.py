"""The unusual-pattern detector's held-out check on generated history with injected anomalies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.operations.patterns.detector import MODEL_VERSION
from apps.operations.patterns.evaluation import SEED, evaluate, history_generate


class Command(BaseCommand):
    help = "Print the share of injected anomalies found and the false alerts per 50 store-weeks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated history")

    def handle(self, *args: Any, **options: Any) -> None:
        history = history_generate(seed=options["seed"])
        result = evaluate(history)
        self.stdout.write(f"model {MODEL_VERSION}: {history.stores} stores x {history.weeks} weeks, seed "
                          f"{options['seed']}, {result.injected} injected anomalies, {result.store_weeks} store-weeks "
                          "scored")
        self.stdout.write(f"found {result.found} of {result.injected} injected anomalies ({result.recall:.1%})")
        self.stdout.write(f"false alerts {result.false_alerts} in {result.store_weeks} store-weeks "
                          f"({result.false_per_50:.2f} per 50 store-weeks)")
