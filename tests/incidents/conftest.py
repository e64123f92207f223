"""Fixtures for store incident tests: photos, uploads, a private media root and a trained model."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from apps.incidents import conf
from apps.incidents.services import IncidentReport, incident_submit
from apps.incidents.triage import classifier
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_run


@pytest.fixture(scope="session", autouse=True)
def _triage_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Train the model once per test session, in a private directory (never the developer's var/)."""
    previous = conf.TRIAGE_MODEL_DIR
    conf.TRIAGE_MODEL_DIR = tmp_path_factory.mktemp("triage")
    classifier.model_forget()
    yield conf.TRIAGE_MODEL_DIR
    conf.TRIAGE_MODEL_DIR = previous
    classifier.model_forget()


@pytest.fixture
def eager_outbox() -> Iterator[None]:
    """Apply write-backs right after commit, as a running worker would (and keep the embedded
    file-system broker of the developer's var/ out of the test)."""
    from controltower.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def photo_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), *, gps: bool = False,
                color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0131] = "SecretCam 1.0"  # Software
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
        image.save(out, format=fmt, exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def upload(name: str = "freezer.jpg", content: bytes | None = None,
           content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_bytes() if content is None else content, content_type=content_type)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_for(store: Any, **changes: Any) -> IncidentReport:
    values: dict[str, Any] = {"store": store, "title": "Freezer aisle 4 warm, ice cream soft",
                              "description": "Reading -8C since 7am.", "category": "refrigeration",
                              "urgency": "critical"}
    values.update(changes)
    return IncidentReport(**values)


def submit(user: Any, store: Any, **changes: Any) -> Any:
    return incident_submit(user=user, report=report_for(store, **changes))


def run_create(incident: Any, gateway: Any) -> WriteBack:
    writeback = WriteBack.objects.get(idempotency_key=f"incident-create-{incident.reference}")
    result = writeback_run(writeback.pk, gateway=gateway)
    assert result is not None
    return result
