"""The demo's directives: two published directives with partial completion, so the readiness panels,
the summary and the store's "Due today" have figures on the first morning (safe to run again)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.directives.models import Directive, ItemKind, StoreDirective
from apps.directives.services import DirectiveDraft, ItemSpec, directive_create, directive_publish
from apps.directives.services.checklists import Answer, copy_approve_all, copy_submit, item_answer, item_review
from apps.incidents.photos import photo_clean
from apps.organisation.roles import Role

PROMOTION = [ItemSpec("End-cap built as the planogram", ItemKind.YES_NO),
             ItemSpec("Facings counted on the end-cap", ItemKind.NUMBER),
             ItemSpec("Shelf-edge labels changed", ItemKind.YES_NO),
             ItemSpec("Photo of the finished end-cap", ItemKind.PHOTO)]
HYGIENE = [ItemSpec("Chillers below 5 °C", ItemKind.YES_NO), ItemSpec("Chiller temperature (°C)", ItemKind.NUMBER),
           ItemSpec("Photo of the back-room floor", ItemKind.PHOTO)]


@dataclass(frozen=True)
class DemoDirectives:
    created: bool
    directives: int = 0
    approved: int = 0
    in_review: int = 0
    started: int = 0


def _photo(colour: tuple[int, int, int]) -> Answer:
    out = io.BytesIO()
    Image.new("RGB", (160, 120), colour).save(out, format="JPEG")
    return Answer(note="demo", photo=photo_clean(SimpleUploadedFile("demo.jpg", out.getvalue(), "image/jpeg")))


def _answer_all(copy: StoreDirective, actor: object, upto: int | None = None) -> None:
    for index, item in enumerate(copy.directive.items.all()):
        if upto is not None and index >= upto:
            return
        answers: dict[str, Answer] = {
            ItemKind.YES_NO: Answer(value="yes"), ItemKind.NUMBER: Answer(value=str(4 + index)),
            ItemKind.TEXT: Answer(value="done"), ItemKind.PHOTO: _photo((40 * index % 255, 120, 90))}
        item_answer(copy=copy, item=item, actor=actor, answer=answers[item.kind])  # type: ignore[arg-type]


def demo_directives_seed() -> DemoDirectives:
    """HQ's promotion readiness (due today, launch tomorrow) and a hygiene audit that was due
    yesterday, each completed by some stores, in review at others, untouched at the rest."""
    if Directive.objects.exists():
        return DemoDirectives(created=False)
    users = get_user_model().objects
    hq = users.filter(role_grants__role=Role.HQ_EXECUTIVE).first()
    if hq is None:
        return DemoDirectives(created=False)
    today = timezone.localdate()
    promotion = directive_publish(directive=directive_create(author=hq, draft=DirectiveDraft(
        title="Spring promotion readiness", due_on=today, due_time=time(17, 0), launch_on=today + timedelta(days=1),
        launch_time=time(8, 0), items=PROMOTION,
        instructions="<p>Build the <strong>spring end-cap</strong> by the planogram and change the shelf-edge "
                     "labels before opening tomorrow.</p>")), actor=hq)
    hygiene = directive_publish(directive=directive_create(author=hq, draft=DirectiveDraft(
        title="Weekly hygiene audit", due_on=today - timedelta(days=1), due_time=time(12, 0), items=HYGIENE)),
        actor=hq)
    approved = in_review = started = 0
    for directive, share_done in ((promotion, 3), (hygiene, 2)):
        for index, copy in enumerate(directive.copies.select_related("store", "directive").order_by("store")):
            step = index % 5
            if step >= share_done + 2:
                continue  # not started
            _answer_all(copy, hq, upto=None if step < share_done + 1 else 2)
            started += 1
            if step > share_done:
                continue  # in progress
            copy_submit(copy=copy, actor=hq)
            if step < share_done:
                copy_approve_all(copy=copy, actor=hq)
                approved += 1
            elif directive == promotion:
                photo = copy.directive.items.get(kind=ItemKind.PHOTO)
                item_review(copy=copy, item=photo, actor=hq, approve=False, comment="Labels not visible, redo")
            else:
                in_review += 1
    return DemoDirectives(created=True, directives=2, approved=approved, in_review=in_review, started=started)
