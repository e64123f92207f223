"""Reads for directives. Every queryset that reaches a person goes through the scope choke point:
store copies with `.for_user`, directives through the copies and regions the person may see."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from apps.directives.models import (
    OPEN_COPY_STATUSES,
    WORKABLE_STATUSES,
    ChecklistItem,
    CopyStatus,
    Directive,
    DirectiveAttachment,
    DirectiveStatus,
    ItemAnswer,
    StoreDirective,
)
from apps.directives.services import may_author
from apps.organisation.models import Region
from apps.organisation.roles import Action
from apps.organisation.scope import can, has_network_scope, regions_for, stores_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Person = User | AnonymousUser

ROW_LIMIT = 25
# Worst first: late and untouched, late and unfinished, sent back, untouched, unfinished, waiting, done.
_RANK = {"overdue_not_started": 0, "overdue": 1, CopyStatus.RETURNED: 2, CopyStatus.NOT_STARTED: 3,
         CopyStatus.IN_PROGRESS: 4, CopyStatus.IN_REVIEW: 5, CopyStatus.APPROVED: 6, CopyStatus.CANCELLED: 7}


def directives_for(user: Person) -> QuerySet[Directive]:
    """HQ: every directive. Others: those that reached a store they see, and their region's own."""
    if has_network_scope(user, Action.VIEW):
        return Directive.objects.all()
    reached = StoreDirective.objects.for_user(user, Action.VIEW).values("directive_id")
    return Directive.objects.filter(Q(pk__in=reached) | Q(owner_region__in=regions_for(user, Action.VIEW)))


def authoring_regions(user: Person) -> list[Region | None]:
    """Where the person may send directives from: the network (None) for HQ, their regions otherwise."""
    if has_network_scope(user, Action.DECIDE):
        return [None]
    return list(regions_for(user, Action.DECIDE).order_by("name"))


def directive_get(user: Person, pk: int) -> Directive:
    directive = directives_for(user).select_related("owner_region", "created_by").filter(pk=pk).first()
    if directive is None:
        raise Http404(gettext("No such directive."))
    return directive


def directive_require_author(user: Person, directive: Directive) -> None:
    if not may_author(user, directive.owner_region):  # type: ignore[arg-type]
        raise PermissionDenied(gettext("Changing this directive needs HQ, or the regional manager of its region."))


def copy_get(user: Person, pk: int) -> StoreDirective:
    copy = (StoreDirective.objects.for_user(user, Action.VIEW).select_related("store", "directive", "approved_by")
            .filter(pk=pk).first())
    if copy is None:
        raise Http404(gettext("No such store directive."))
    return copy


def item_get(copy: StoreDirective, item_id: int) -> ChecklistItem:
    item = copy.directive.items.filter(pk=item_id).first()
    if item is None:
        raise Http404(gettext("No such checklist item."))
    return item


def answer_photo_get(user: Person, key: str) -> ItemAnswer:
    answer = ItemAnswer.objects.for_user(user, Action.VIEW).filter(photo_key=key).exclude(photo="").first()
    if answer is None:
        raise Http404(gettext("No such photo."))
    return answer


def attachment_get(user: Person, pk: str) -> DirectiveAttachment:
    attachment = DirectiveAttachment.objects.filter(pk=pk, directive__in=directives_for(user)).first()
    if attachment is None:
        raise Http404(gettext("No such attachment."))
    return attachment


@dataclass
class ItemRow:
    item: ChecklistItem
    answer: ItemAnswer | None


@dataclass
class CopyDetail:
    copy: StoreDirective
    rows: list[ItemRow]
    answered: int
    total: int
    can_work: bool
    can_review: bool
    overdue: bool

    @property
    def progress_percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def can_submit(self) -> bool:
        return self.can_work and self.answered == self.total and not any(
            r.answer and r.answer.review_status == "returned" for r in self.rows)


def copy_detail(user: Person, pk: int) -> CopyDetail:
    copy = copy_get(user, pk)
    answers = {a.item_id: a for a in copy.answers.select_related("answered_by", "reviewed_by")}
    items = list(copy.directive.items.all())
    live = copy.directive.status == DirectiveStatus.PUBLISHED
    return CopyDetail(
        copy=copy, rows=[ItemRow(item=item, answer=answers.get(item.pk)) for item in items],
        answered=sum(1 for item in items if item.pk in answers), total=len(items),
        can_work=live and copy.status in WORKABLE_STATUSES and can(user, Action.OPERATE, copy.store),
        can_review=live and copy.status in (CopyStatus.IN_REVIEW, CopyStatus.RETURNED)
        and can(user, Action.DECIDE, copy.store),
        overdue=copy.is_overdue())


def due_today(user: Person, *, now: datetime | None = None, limit: int = 20) -> Sequence[StoreDirective]:
    """The store's open work due by the end of its own day (and anything already late), soonest first,
    with the answered count for the "4 of 7" progress."""
    now = now or timezone.now()
    copies = (StoreDirective.objects.for_user(user, Action.OPERATE).filter(directive__status=DirectiveStatus.PUBLISHED,
                                                                   status__in=OPEN_COPY_STATUSES)
              .filter(due_at__lte=now + timedelta(days=1, hours=14))
              .select_related("store", "directive").annotate(answered=Count("answers", distinct=True),
                                                             total=Count("directive__items", distinct=True))
              .order_by("due_at", "store__code")[:limit * 2])
    today: list[StoreDirective] = []
    for copy in copies:
        zone = zoneinfo.ZoneInfo(copy.store.timezone)
        if copy.due_at.astimezone(zone).date() <= now.astimezone(zone).date():
            today.append(copy)
    return today[:limit]


def copies_for(user: Person, *, limit: int = 100) -> Sequence[StoreDirective]:
    return list(StoreDirective.objects.for_user(user, Action.VIEW).filter(directive__status=DirectiveStatus.PUBLISHED,
                                                                status__in=OPEN_COPY_STATUSES)
                .select_related("store", "directive").annotate(answered=Count("answers", distinct=True),
                                                               total=Count("directive__items", distinct=True))
                .order_by("due_at", "store__code")[:limit])


@dataclass
class StoreRow:
    copy: StoreDirective
    answered: int
    total: int
    state: str  # a _RANK key
    missing: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.state == "overdue_not_started":
            return gettext("Overdue · not started")
        if self.state == "overdue":
            return gettext("Overdue")
        return str(CopyStatus(self.state).label)


@dataclass
class Readiness:
    """A directive's completion in one scope: the figures the panel, the export and the summary share."""

    directive: Directive
    region: Region | None
    rows: list[StoreRow]
    stores: int
    done: int
    in_review: int
    overdue: int
    not_started: int
    in_progress: int
    returned: int
    on_time: int
    median_hours: float | None
    item_missing: dict[str, list[str]]

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.stores) if self.stores else 0

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.done) if self.done else None

    def worst(self, limit: int = ROW_LIMIT) -> list[StoreRow]:
        return self.rows[:limit]


def readiness(user: Person, directive: Directive, *, region: Region | None = None,
              now: datetime | None = None) -> Readiness:
    """Per store: done / in review / overdue / not started, worst first; on-time completion and median
    time to complete. Two queries whatever the number of stores (copies with counts, answered items)."""
    now = now or timezone.now()
    copies = StoreDirective.objects.for_user(user, Action.VIEW).filter(directive=directive)
    if region is not None:
        copies = copies.filter(store__region=region)
    annotated = copies.select_related("store").annotate(answered=Count("answers"))
    items = list(directive.items.all())
    answered_items: dict[int, set[int]] = {}
    for copy_id, item_id in ItemAnswer.objects.filter(copy__in=copies.values("pk")).values_list("copy_id",
                                                                                                "item_id"):
        answered_items.setdefault(copy_id, set()).add(item_id)
    rows: list[StoreRow] = []
    hours: list[float] = []
    missing_by_item: dict[str, list[str]] = {item.label: [] for item in items}
    for copy in annotated:
        late = copy.status in WORKABLE_STATUSES and copy.due_at < now
        state = ("overdue_not_started" if copy.status == CopyStatus.NOT_STARTED else "overdue") if late else copy.status
        missing = [item.label for item in items if item.pk not in answered_items.get(copy.pk, set())]
        if copy.status != CopyStatus.CANCELLED:
            for label in missing:
                missing_by_item[label].append(copy.store.code)
        rows.append(StoreRow(copy=copy, answered=copy.answered, total=len(items), state=state, missing=missing))
        if copy.status == CopyStatus.APPROVED and copy.submitted_at and directive.published_at:
            hours.append((copy.submitted_at - directive.published_at).total_seconds() / 3600)
    rows = [r for r in rows if r.copy.status != CopyStatus.CANCELLED]
    rows.sort(key=lambda r: (_RANK[r.state], r.answered, r.copy.store.code))
    count = lambda *states: sum(1 for r in rows if r.copy.status in states)  # noqa: E731
    return Readiness(
        directive=directive, region=region, rows=rows, stores=len(rows), done=count(CopyStatus.APPROVED),
        in_review=count(CopyStatus.IN_REVIEW), overdue=sum(1 for r in rows if r.state.startswith("overdue")),
        not_started=count(CopyStatus.NOT_STARTED), in_progress=count(CopyStatus.IN_PROGRESS),
        returned=count(CopyStatus.RETURNED), on_time=sum(1 for r in rows if r.copy.on_time),
        median_hours=round(median(hours), 1) if hours else None,
        item_missing={label: codes for label, codes in missing_by_item.items() if codes})


def panel_directives(user: Person, *, region: Region | None = None, limit: int = 6) -> list[Directive]:
    """Published directives the panel offers, the nearest due first (then the latest past ones)."""
    scope = directives_for(user).filter(status=DirectiveStatus.PUBLISHED)
    if region is not None:
        scope = scope.filter(copies__store__region=region).distinct()
    today = timezone.localdate()
    upcoming = list(scope.filter(due_on__gte=today).order_by("due_on", "due_time", "pk")[:limit])
    past = list(scope.filter(due_on__lt=today).order_by("-due_on", "-pk")[:max(0, limit - len(upcoming))])
    return upcoming + past


def on_time_rate(user: Person, *, since: datetime, until: datetime, region: Region | None = None
                 ) -> tuple[int, int]:
    """On-time directive completion over a period: of the store copies due in it, how many were done
    (approved) from a submission on or before their due time. Returns (on time, due)."""
    copies = StoreDirective.objects.for_user(user, Action.VIEW).filter(
        directive__status=DirectiveStatus.PUBLISHED, due_at__gte=since, due_at__lt=until)
    if region is not None:
        copies = copies.filter(store__region=region)
    figures = copies.aggregate(due=Count("pk"), on_time=Count("pk", filter=Q(
        status=CopyStatus.APPROVED, submitted_at__lte=F("due_at"))))
    return figures["on_time"], figures["due"]


def viewer_regions(user: Person) -> QuerySet[Region]:
    return regions_for(user, Action.VIEW)


def sees_directives(user: Person) -> bool:
    return stores_for(user, Action.VIEW).exists()
