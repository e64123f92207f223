"""The store's side and the region's review: answering an item (with a photo where it is required),
submitting for review, approving or returning items. Each step locks the store's copy, re-checks the
person's right on the store, is audited and announced live; Odoo follows through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from apps import events
from apps.audit.services import audit_record
from apps.directives.executors import copy_state_enqueue, item_enqueue
from apps.directives.models import (
    WORKABLE_STATUSES,
    ChecklistItem,
    CopyStatus,
    DirectiveStatus,
    ItemAnswer,
    ItemKind,
    ReviewStatus,
    StoreDirective,
)
from apps.directives.services import TOPIC, DirectiveRefused
from apps.events.types import DirectiveStoreCompleted
from apps.live.broadcast import panels_changed
from apps.organisation.roles import Action
from apps.organisation.scope import can

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from apps.incidents.photos import CleanPhoto

MAX_TEXT = 2000
MAX_COMMENT = 500


@dataclass(frozen=True)
class Answer:
    """What a store sent for one item, as text from a form or an API call (checked by `answer_parse`)."""

    value: str = ""
    note: str = ""
    photo: CleanPhoto | None = None


def _locked(copy: StoreDirective, actor: User, action: Action) -> StoreDirective:
    locked = StoreDirective.objects.select_for_update().select_related("store", "directive").get(pk=copy.pk)
    if not can(actor, action, locked.store):
        message = (gettext("You cannot review directives of %(store)s.") if action == Action.DECIDE
                   else gettext("You cannot work on directives of %(store)s."))
        raise PermissionDenied(message % {"store": locked.store})
    if locked.directive.status != DirectiveStatus.PUBLISHED:
        raise DirectiveRefused(gettext("This directive is %(status)s.")
                               % {"status": str(locked.directive.get_status_display()).lower()})
    return locked


def answer_parse(item: ChecklistItem, answer: Answer) -> dict[str, object]:
    """The stored values for an item's kind, or a ValidationError saying what is expected."""
    raw = answer.value.strip()
    if item.kind == ItemKind.YES_NO:
        if raw.lower() not in ("yes", "no", "true", "false"):
            raise ValidationError({"value": "Answer yes or no."})
        return {"value_bool": raw.lower() in ("yes", "true")}
    if item.kind == ItemKind.NUMBER:
        try:
            number = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValidationError({"value": "Enter a number, e.g. 12."}) from None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise ValidationError({"value": "Enter a number, e.g. 12."})
        return {"value_number": number.quantize(Decimal("0.01"))}
    if item.kind == ItemKind.TEXT:
        if not raw:
            raise ValidationError({"value": "Write the answer."})
        if len(raw) > MAX_TEXT:
            raise ValidationError({"value": f"At most {MAX_TEXT} characters."})
        return {"value_text": raw}
    if answer.photo is None:
        raise ValidationError({"photo": "This item needs a photo as proof."})
    return {"value_text": answer.note.strip()[:MAX_TEXT]}


@transaction.atomic
def item_answer(*, copy: StoreDirective, item: ChecklistItem, actor: User, answer: Answer,
                request: HttpRequest | None = None) -> ItemAnswer:
    """Complete one item. An answer not yet approved may be redone; a returned one must be. Completing
    closes the item's subtask in Odoo with the answer (and the photo)."""
    copy = _locked(copy, actor, Action.OPERATE)
    if item.directive_id != copy.directive_id:
        raise ValidationError({"item": "This item belongs to another directive."})
    if copy.status not in WORKABLE_STATUSES:
        raise DirectiveRefused(gettext("This checklist is %(status)s: it cannot be changed now.")
                               % {"status": str(copy.get_status_display()).lower()})
    values = answer_parse(item, answer)
    existing = ItemAnswer.objects.select_for_update().filter(copy=copy, item=item).first()
    if existing is not None and existing.review_status == ReviewStatus.APPROVED:
        raise DirectiveRefused(gettext("This item is already approved."))
    record = existing or ItemAnswer(copy=copy, item=item)
    before = {"answer": record.display, "review": record.review_status} if existing else None
    if existing is not None:
        record.revision += 1
    record.value_bool, record.value_number, record.value_text = None, None, ""
    for name, value in values.items():
        setattr(record, name, value)
    record.answered_by, record.answered_at = actor, timezone.now()
    record.review_status, record.review_comment, record.reviewed_by, record.reviewed_at = (
        ReviewStatus.PENDING, "", None, None)
    if answer.photo is not None:
        record.photo_name = answer.photo.original_name
        record.photo.save("photo.jpg", ContentFile(answer.photo.content), save=False)
    elif item.kind != ItemKind.PHOTO:
        record.photo = ""
    record.save()
    if copy.status == CopyStatus.NOT_STARTED:
        copy.status, copy.started_at = CopyStatus.IN_PROGRESS, timezone.now()
        copy.save(update_fields=["status", "started_at", "updated_at"])
    record.copy = copy
    audit_record(action="directive.item_answered", target=copy, actor=actor, store=copy.store, request=request,
                 before=before, after={"item": item.label, "answer": record.display, "revision": record.revision,
                                       "photo": bool(record.photo)})
    item_enqueue(record, created_by=actor)
    panels_changed(store_id=copy.store_id, topics=[TOPIC])
    return record


@transaction.atomic
def copy_submit(*, copy: StoreDirective, actor: User, request: HttpRequest | None = None) -> StoreDirective:
    """Every item answered (returned ones redone): the region reviews it."""
    copy = _locked(copy, actor, Action.OPERATE)
    if copy.status not in WORKABLE_STATUSES:
        raise DirectiveRefused(gettext("This checklist is %(status)s: nothing to submit.")
                               % {"status": str(copy.get_status_display()).lower()})
    answers = {a.item_id: a for a in copy.answers.all()}
    missing = [item.label for item in copy.directive.items.all() if item.pk not in answers]
    if missing:
        raise ValidationError(ngettext("Answer every item first (%(count)d left: %(items)s).",
                                       "Answer every item first (%(count)d left: %(items)s).", len(missing))
                              % {"count": len(missing), "items": ", ".join(missing[:3])})
    returned = [a for a in answers.values() if a.review_status == ReviewStatus.RETURNED]
    if returned:
        raise ValidationError(ngettext("Redo the %(count)d returned item first.",
                                       "Redo the %(count)d returned items first.", len(returned))
                              % {"count": len(returned)})
    before = copy.snapshot()
    copy.status, copy.submitted_at = CopyStatus.IN_REVIEW, timezone.now()
    copy.save(update_fields=["status", "submitted_at", "updated_at"])
    audit_record(action="directive.submitted", target=copy, actor=actor, store=copy.store, request=request,
                 before=before, after=copy.snapshot())
    panels_changed(store_id=copy.store_id, topics=[TOPIC])
    return copy


def _settle(copy: StoreDirective, actor: User, request: HttpRequest | None) -> None:
    """After a review: any item returned → back to the store; every item approved → done (the Odoo
    task closes, the overdue exception closes, `directive.store_completed` goes out)."""
    from apps.directives.services.followup import overdue_exception_close

    reviews = list(copy.answers.values_list("review_status", flat=True))
    if ReviewStatus.RETURNED in reviews:
        status = CopyStatus.RETURNED
    elif len(reviews) == copy.directive.items.count() and all(r == ReviewStatus.APPROVED for r in reviews):
        status = CopyStatus.APPROVED
    else:
        status = CopyStatus.IN_REVIEW
    if status == copy.status:
        return
    before = copy.snapshot()
    copy.status = status
    if status == CopyStatus.APPROVED:
        copy.approved_at, copy.approved_by = timezone.now(), actor
    copy.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit_record(action=f"directive.{status}", target=copy, actor=actor, store=copy.store, request=request,
                 before=before, after=copy.snapshot())
    if status == CopyStatus.APPROVED:
        copy_state_enqueue(copy, created_by=actor, reason="approved")
        overdue_exception_close(copy, actor=actor, note="Approved by the region.")
        events.emit(DirectiveStoreCompleted(copy=copy))


@transaction.atomic
def item_review(*, copy: StoreDirective, item: ChecklistItem, actor: User, approve: bool, comment: str = "",
                request: HttpRequest | None = None) -> ItemAnswer:
    """The region approves an answer, or returns it with a comment ("label wrong, redo"); the store
    sees it at once, and a returned item's subtask reopens in Odoo."""
    copy = _locked(copy, actor, Action.DECIDE)
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Say what to redo when returning an item."})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": f"At most {MAX_COMMENT} characters."})
    if copy.status not in (CopyStatus.IN_REVIEW, CopyStatus.RETURNED):
        raise DirectiveRefused(gettext("Only a submitted checklist is reviewed."))
    answer = ItemAnswer.objects.select_for_update().filter(copy=copy, item=item).first()
    if answer is None or answer.review_status != ReviewStatus.PENDING:
        raise DirectiveRefused(gettext("This item has no answer waiting for review."))
    answer.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    answer.review_comment, answer.reviewed_by, answer.reviewed_at = comment, actor, timezone.now()
    answer.save(update_fields=["review_status", "review_comment", "reviewed_by", "reviewed_at"])
    answer.copy = copy
    audit_record(action="directive.item_approved" if approve else "directive.item_returned", target=copy,
                 actor=actor, store=copy.store, request=request, message=comment,
                 after={"item": item.label, "answer": answer.display, "revision": answer.revision})
    if not approve:
        item_enqueue(answer, created_by=actor)
    _settle(copy, actor, request)
    panels_changed(store_id=copy.store_id, topics=[TOPIC])
    return answer


@transaction.atomic
def copy_approve_all(*, copy: StoreDirective, actor: User, request: HttpRequest | None = None) -> StoreDirective:
    """Approve every answer still waiting for review in one step."""
    copy = _locked(copy, actor, Action.DECIDE)
    for answer in list(copy.answers.filter(review_status=ReviewStatus.PENDING).select_related("item")):
        item_review(copy=copy, item=answer.item, actor=actor, approve=True, request=request)
    copy.refresh_from_db()
    return copy
