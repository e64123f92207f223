"""Writing directives: drafting, editing before any store started, publishing, cancelling, and the
scheduled runs of templates. Store answers and the region's review are in `checklists.py`, deadlines
in `followup.py`; what goes to Odoo, and how, in `../executors.py`.

Every change is audited; publishing creates the stores' copies and their Odoo tasks (through the
outbox) in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from apps import events
from apps.audit.services import audit_record
from apps.directives import conf
from apps.directives.executors import copy_state_enqueue, task_create_enqueue
from apps.directives.models import (
    OPEN_COPY_STATUSES,
    ChecklistItem,
    CopyStatus,
    Directive,
    DirectiveAttachment,
    DirectiveStatus,
    DirectiveTemplate,
    ItemKind,
    StoreDirective,
    TargetMode,
)
from apps.directives.richtext import sanitise
from apps.events.types import DirectivePublished
from apps.live.broadcast import stores_panels_changed
from apps.organisation.models import Region, Store, StoreGroup
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope, regions_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

TOPIC = "directives"
ATTACHMENT_TYPES = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8", "image/png": b"\x89PNG"}


class DirectiveRefused(Exception):
    """The change does not fit the directive's state (answered with 409); nothing was changed."""


@dataclass(frozen=True)
class ItemSpec:
    label: str
    kind: str = ItemKind.YES_NO


@dataclass(frozen=True)
class DirectiveDraft:
    """What an author filled in, checked by `draft_check` before anything is saved."""

    title: str
    due_on: date
    due_time: time = time(9, 0)
    instructions: str = ""
    items: list[ItemSpec] = field(default_factory=list)
    target_mode: str = TargetMode.ALL
    regions: list[Region] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    groups: list[StoreGroup] = field(default_factory=list)
    launch_on: date | None = None
    launch_time: time | None = None
    owner_region: Region | None = None


def may_author(user: User, owner_region: Region | None) -> bool:
    """HQ writes for the network; a regional manager only for their own region."""
    if owner_region is None:
        return has_network_scope(user, Action.DECIDE)
    return regions_for(user, Action.DECIDE).filter(pk=owner_region.pk).exists()


def _require_author(user: User, owner_region: Region | None) -> None:
    if not may_author(user, owner_region):
        where = f"region {owner_region.name}" if owner_region else "the network"
        raise PermissionDenied(f"Sending directives to {where} needs "
                               f"{'a regional manager of it' if owner_region else 'an HQ role'}.")


def groups_outside(groups: list[StoreGroup], region: Region) -> dict[str, list[str]]:
    """Per group, the codes of its stores outside `region` (empty: every group fits the region). A
    regional manager's group is refused whole rather than silently trimmed: an author who picked
    "Airport stores" would otherwise believe every airport store got it."""
    outside: dict[str, list[str]] = {}
    members = (Store.groups.through.objects.filter(storegroup__in=[g.pk for g in groups])
               .exclude(store__region_id=region.pk).select_related("store", "storegroup")
               .order_by("storegroup__name", "store__code"))
    for member in members:
        outside.setdefault(member.storegroup.name, []).append(member.store.code)
    return outside


def draft_check(draft: DirectiveDraft) -> None:
    """Every problem at once, by field, in words an author can act on."""
    errors: dict[str, str] = {}
    if not draft.title.strip():
        errors["title"] = "Give the directive a title."
    if not draft.items:
        errors["items"] = "Add at least one checklist item."
    elif len(draft.items) > conf.MAX_ITEMS:
        errors["items"] = f"A directive has at most {conf.MAX_ITEMS} items."
    elif any(not item.label.strip() or item.kind not in ItemKind.values for item in draft.items):
        errors["items"] = "Every item needs a label and a kind (yes/no, number, text or photo)."
    if draft.target_mode not in TargetMode.values:
        errors["target_mode"] = gettext("Choose every store, some regions, a list of stores or store groups.")
    elif draft.target_mode == TargetMode.REGIONS and not draft.regions:
        errors["target_mode"] = gettext("Choose at least one region.")
    elif draft.target_mode == TargetMode.STORES and not draft.stores:
        errors["target_mode"] = gettext("Choose at least one store.")
    elif draft.target_mode == TargetMode.GROUPS and not draft.groups:
        errors["target_mode"] = gettext("Choose at least one store group.")
    if draft.owner_region is not None:
        foreign = [r.code for r in draft.regions if r.pk != draft.owner_region.pk]
        foreign += [s.code for s in draft.stores if s.region_id != draft.owner_region.pk]
        if foreign:
            errors["target_mode"] = gettext("A regional directive targets its own region only (not %(codes)s).") % {
                "codes": ", ".join(foreign)}
        elif draft.target_mode == TargetMode.GROUPS and (outside := groups_outside(draft.groups, draft.owner_region)):
            errors["target_mode"] = " ".join(gettext(
                "Store group “%(group)s” has stores outside %(region)s (%(codes)s): a regional directive targets "
                "its own region only, so choose a group within it or list the stores.") % {
                "group": group, "region": draft.owner_region.name, "codes": ", ".join(codes)}
                for group, codes in outside.items())
    if draft.launch_on is not None and (draft.launch_on, draft.launch_time or time(0)) < (draft.due_on,
                                                                                        draft.due_time):
        errors["launch_on"] = "The launch comes after the due time (the stores must be ready before it)."
    if errors:
        raise ValidationError(errors)


def _apply(directive: Directive, draft: DirectiveDraft, *, fixed: bool = False) -> None:
    """Write the draft onto the directive; `fixed` (published): targets and items stay as they are."""
    directive.title, directive.instructions = draft.title.strip()[:120], sanitise(draft.instructions)
    directive.due_on, directive.due_time = draft.due_on, draft.due_time
    directive.launch_on, directive.launch_time = draft.launch_on, draft.launch_time if draft.launch_on else None
    if not fixed:
        directive.target_mode = draft.target_mode
    directive.save()
    if not fixed:
        directive.target_regions.set(draft.regions if draft.target_mode == TargetMode.REGIONS else [])
        directive.target_stores.set(draft.stores if draft.target_mode == TargetMode.STORES else [])
        directive.target_groups.set(draft.groups if draft.target_mode == TargetMode.GROUPS else [])
        directive.items.all().delete()
        ChecklistItem.objects.bulk_create(ChecklistItem(directive=directive, position=index, label=spec.label.strip(),
                                                        kind=spec.kind) for index, spec in enumerate(draft.items))


@transaction.atomic
def directive_create(*, author: User, draft: DirectiveDraft, attachments: list[UploadedFile] | None = None,
                     request: HttpRequest | None = None) -> Directive:
    """A draft: nothing reaches a store until it is published."""
    _require_author(author, draft.owner_region)
    draft_check(draft)
    directive = Directive(owner_region=draft.owner_region, created_by=author, due_on=draft.due_on, title=draft.title)
    _apply(directive, draft)
    for upload in attachments or []:
        attachment_add(directive=directive, upload=upload)
    audit_record(action="directive.created", target=directive, actor=author, request=request,
                 after=directive.snapshot())
    return directive


def _locked(directive: Directive, actor: User) -> Directive:
    locked = Directive.objects.select_for_update().get(pk=directive.pk)
    _require_author(actor, locked.owner_region)
    return locked


def editable(directive: Directive) -> bool:
    """A draft, or published with no store started: nobody has answered against the old wording."""
    if directive.status == DirectiveStatus.DRAFT:
        return True
    return directive.status == DirectiveStatus.PUBLISHED and not directive.copies.exclude(
        status=CopyStatus.NOT_STARTED).exists()


@transaction.atomic
def directive_edit(*, directive: Directive, actor: User, draft: DirectiveDraft,
                   request: HttpRequest | None = None) -> Directive:
    """Edit before any store started. Once published, the targets and items are fixed (the stores'
    tasks and subtasks exist in Odoo); wording, due and launch times may still change, and the
    stores' copies and Odoo tasks follow."""
    directive = _locked(directive, actor)
    if not editable(directive):
        raise DirectiveRefused("A store has started this directive: it can no longer be edited.")
    draft = DirectiveDraft(**{**draft.__dict__, "owner_region": directive.owner_region})
    draft_check(draft)
    before = directive.snapshot()
    published = directive.status == DirectiveStatus.PUBLISHED
    _apply(directive, draft, fixed=published)
    if published:
        copies = list(directive.copies.select_related("store"))
        for copy in copies:
            copy.due_at = directive.due_at_for(copy.store.timezone)
            copy.launch_at = directive.launch_at_for(copy.store.timezone)
            copy.save(update_fields=["due_at", "launch_at", "updated_at"])
            copy_state_enqueue(copy, created_by=actor, reason="edited")
        stores_panels_changed(store_ids={c.store_id for c in copies}, topics=[TOPIC])
    audit_record(action="directive.edited", target=directive, actor=actor, request=request, before=before,
                 after=directive.snapshot())
    return directive


def target_stores(directive: Directive) -> QuerySet[Store]:
    """The active stores a directive reaches; a regional directive never leaves its region."""
    stores = Store.objects.filter(active=True, region__active=True)
    if directive.owner_region_id is not None:
        stores = stores.filter(region_id=directive.owner_region_id)
    if directive.target_mode == TargetMode.REGIONS:
        stores = stores.filter(region__in=directive.target_regions.all())
    elif directive.target_mode == TargetMode.STORES:
        stores = stores.filter(pk__in=directive.target_stores.all())
    elif directive.target_mode == TargetMode.GROUPS:  # the groups' members when it is published
        stores = stores.filter(pk__in=Store.groups.through.objects.filter(
            storegroup__in=directive.target_groups.all()).values("store_id"))
    return stores.order_by("code")


@transaction.atomic
def directive_publish(*, directive: Directive, actor: User | None, request: HttpRequest | None = None) -> Directive:
    """Send it: one copy per targeted store (due and launch in the store's own time zone), and one task
    per store in Odoo with a subtask per item, through the outbox (a double click publishes once)."""
    locked = Directive.objects.select_for_update().get(pk=directive.pk)
    if actor is not None:
        _require_author(actor, locked.owner_region)
    if locked.status != DirectiveStatus.DRAFT:
        raise DirectiveRefused(f"This directive is {locked.get_status_display().lower()}: only a draft is published.")
    stores = list(target_stores(locked))
    if not stores:
        raise DirectiveRefused("No active store is targeted: choose the stores first.")
    if not locked.items.exists():
        raise DirectiveRefused("Add at least one checklist item before publishing.")
    locked.status, locked.published_at, locked.published_by = DirectiveStatus.PUBLISHED, timezone.now(), actor
    locked.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    copies = StoreDirective.objects.bulk_create(StoreDirective(
        directive=locked, store=store, due_at=locked.due_at_for(store.timezone),
        launch_at=locked.launch_at_for(store.timezone)) for store in stores)
    for copy in StoreDirective.objects.filter(directive=locked).select_related("store", "directive"):
        task_create_enqueue(copy, created_by=actor)
    audit_record(action="directive.published", target=locked, actor=actor, actor_label="" if actor else "schedule",
                 request=request, after={**locked.snapshot(), "stores": len(copies)})
    events.emit(DirectivePublished(directive=locked, store_codes=tuple(s.code for s in stores)))
    stores_panels_changed(store_ids={s.pk for s in stores}, topics=[TOPIC])
    return locked



@transaction.atomic
def directive_cancel(*, directive: Directive, actor: User, request: HttpRequest | None = None) -> Directive:
    """Called off: open copies are cancelled (their Odoo tasks too), their exceptions resolved."""
    from apps.directives.services.followup import overdue_exception_close

    directive = _locked(directive, actor)
    if directive.status == DirectiveStatus.CANCELLED:
        raise DirectiveRefused("This directive is already cancelled.")
    before = directive.snapshot()
    directive.status, directive.cancelled_at = DirectiveStatus.CANCELLED, timezone.now()
    directive.save(update_fields=["status", "cancelled_at", "updated_at"])
    copies = list(directive.copies.filter(status__in=OPEN_COPY_STATUSES).select_related("store", "directive"))
    for copy in copies:
        copy.status = CopyStatus.CANCELLED
        copy.save(update_fields=["status", "updated_at"])
        copy_state_enqueue(copy, created_by=actor, reason="cancelled")
        overdue_exception_close(copy, actor=actor, note="Directive cancelled.")
    audit_record(action="directive.cancelled", target=directive, actor=actor, request=request, before=before,
                 after={**directive.snapshot(), "copies_cancelled": len(copies)})
    stores_panels_changed(store_ids={c.store_id for c in copies}, topics=[TOPIC])
    return directive


def attachment_add(*, directive: Directive, upload: UploadedFile) -> DirectiveAttachment:
    """A PDF, JPEG or PNG, judged by its first bytes (never its name), within the size limit."""
    from django.core.files.base import ContentFile

    from apps.incidents.photos import safe_display_name

    if directive.attachments.count() >= conf.MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"A directive holds at most {conf.MAX_ATTACHMENTS} attachments."})
    name = safe_display_name(upload.name or "")
    if not upload.size or upload.size > conf.ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachments": f"{name} is empty or larger than "
                                              f"{conf.ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB."})
    upload.seek(0)
    head = upload.read(8)
    kind = next((ctype for ctype, magic in ATTACHMENT_TYPES.items() if head.startswith(magic)), None)
    if kind is None:
        raise ValidationError({"attachments": f"{name} is not a PDF, JPEG or PNG file."})
    upload.seek(0)
    attachment = DirectiveAttachment(directive=directive, name=name, content_type=kind, size_bytes=upload.size)
    attachment.file.save("attachment", ContentFile(upload.read()), save=False)
    attachment.save()
    return attachment


def templates_run(*, today: date | None = None, now: datetime | None = None) -> list[Directive]:
    """The scheduled run: each active template due today publishes today's directive once. The day is
    claimed with a conditional UPDATE, so two beat processes never publish it twice."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    made = []
    for template in DirectiveTemplate.objects.filter(active=True).exclude(last_run_on=today):
        if not template.runs_on(today):
            continue
        with transaction.atomic():
            claimed = DirectiveTemplate.objects.filter(pk=template.pk, active=True).exclude(
                last_run_on=today).update(last_run_on=today)
            if not claimed:
                continue
            directive = Directive.objects.create(
                title=f"{template.title} · {today:%d %b}", instructions=sanitise(template.instructions),
                owner_region=template.owner_region, target_mode=template.target_mode, due_on=today,
                due_time=template.due_time, template=template, created_by=template.created_by)
            directive.target_regions.set(template.target_regions.all())
            directive.target_stores.set(template.target_stores.all())
            directive.target_groups.set(template.target_groups.all())
            ChecklistItem.objects.bulk_create(
                ChecklistItem(directive=directive, position=i, label=str(spec.get("label", ""))[:200],
                              kind=spec.get("kind", ItemKind.YES_NO) if spec.get("kind") in ItemKind.values
                              else ItemKind.YES_NO) for i, spec in enumerate(template.items))
            made.append(directive_publish(directive=directive, actor=None))
    return made
