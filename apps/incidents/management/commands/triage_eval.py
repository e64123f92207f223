"""Evaluate the local triage model on the held-out part of the labelled set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.incidents.triage.classifier import model_build, model_evaluate
from apps.incidents.triage.dataset import examples_load, examples_split


class Command(BaseCommand):
    help = "Print accuracy and macro-F1 (category and urgency) on the held-out examples."

    def handle(self, *args: Any, **options: Any) -> None:
        examples = examples_load()
        train, test = examples_split(examples)
        model = model_build()
        self.stdout.write(f"model {model.version}: {len(train)} training, {len(test)} held-out examples")
        for head, report in model_evaluate(model, test).items():
            self.stdout.write(f"{head:<9} accuracy {report.accuracy:.3f}  macro-F1 {report.macro_f1:.3f}  "
                              f"(n={report.support})")
