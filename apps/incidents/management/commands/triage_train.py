"""Rebuild the local triage model from the labelled set and save it (`CT_INCIDENT_TRIAGE_MODEL_DIR`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from apps.incidents.triage.classifier import model_build, model_forget, model_save


class Command(BaseCommand):
    help = "Train the incident triage model from apps/incidents/triage/data and save it."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        model = model_build()
        path = model_save(model)
        model_forget()
        self.stdout.write(self.style.SUCCESS(
            f"Trained {model.version} on {model.trained_on} examples in {time.monotonic() - started:.1f}s → {path}"))
