"""Fixtures for directive tests: drafts, publishing, answering, and running their write-backs."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.directives.models import Directive, ItemKind, StoreDirective
from apps.directives.services import DirectiveDraft, ItemSpec, directive_create, directive_publish
from apps.directives.services.checklists import Answer, copy_submit, item_answer
from apps.incidents.photos import photo_clean
from apps.writeback.models import WriteBack
from apps.writeback.services import writeback_run
from tests.incidents.conftest import photo_bytes, upload

ITEMS = [ItemSpec("End-cap built", ItemKind.YES_NO), ItemSpec("Facings counted", ItemKind.NUMBER),
         ItemSpec("End-cap photo", ItemKind.PHOTO)]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def draft(**changes: Any) -> DirectiveDraft:
    values: dict[str, Any] = {"title": "Spring promotion readiness", "due_on": timezone.localdate() + timedelta(days=1),
                              "due_time": time(9, 0), "instructions": "<p>Build the <strong>end-cap</strong></p>",
                              "items": list(ITEMS)}
    values.update(changes)
    return DirectiveDraft(**values)


def publish(author: Any, **changes: Any) -> Directive:
    directive = directive_create(author=author, draft=draft(**changes))
    return directive_publish(directive=directive, actor=author)


def copy_of(directive: Directive, store: Any) -> StoreDirective:
    return StoreDirective.objects.select_related("store", "directive").get(directive=directive, store=store)


def a_photo() -> Any:
    return photo_clean(upload("endcap.jpg", photo_bytes(size=(120, 90))))


def complete(copy: StoreDirective, user: Any, *, submit: bool = True) -> StoreDirective:
    """Answer every item (yes, 12, a photo) and submit for review."""
    for item in copy.directive.items.all():
        answer = {ItemKind.YES_NO: Answer(value="yes"), ItemKind.NUMBER: Answer(value="12"),
                  ItemKind.TEXT: Answer(value="done"), ItemKind.PHOTO: Answer(note="left aisle", photo=a_photo())}
        item_answer(copy=copy, item=item, actor=user, answer=answer[item.kind])
    if submit:
        copy_submit(copy=copy, actor=user)
    copy.refresh_from_db()
    return copy


def run_all(gateway: Any, *, kind: str | None = None) -> list[WriteBack]:
    """Apply every due write-back (and those their outcomes queue), oldest first."""
    done: list[WriteBack] = []
    for _ in range(5):
        rows = WriteBack.objects.filter(status="queued").order_by("pk")
        if kind:
            rows = rows.filter(kind=kind)
        pks = list(rows.values_list("pk", flat=True))
        if not pks:
            break
        for pk in pks:
            result = writeback_run(pk, gateway=gateway)
            if result is not None:
                done.append(result)
    return done


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)
