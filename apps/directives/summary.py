"""A readiness summary per directive, generated from the figures and nothing else (deterministic):
"31 of 40 stores ready; 6 missing the end-cap photo (N03, N07 …); 3 stores were late on the last two
directives and are not started now". Each sentence carries the figures it was built from, shown beside
it, and every generated text is logged with them (`ReadinessSummary`), as triage suggestions are. It
reads; it never completes, approves or closes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.directives.models import CopyStatus, Directive, DirectiveStatus, ReadinessSummary, StoreDirective

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.directives.selectors import Readiness

GENERATOR = "figures-v1"
NAMED = 5
REUSE = timedelta(hours=1)


@dataclass(frozen=True)
class Sentence:
    text: str
    figures: dict[str, Any]


def _codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:NAMED])
    return f"{shown} …" if len(codes) > NAMED else shown


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def repeat_late(readiness: Readiness) -> list[str]:
    """Stores not started now that were late (not done by their due time) on both of the two previous
    directives they received."""
    not_started = {r.copy.store_id: r.copy.store.code for r in readiness.rows
                   if r.copy.status == CopyStatus.NOT_STARTED}
    if not not_started:
        return []
    cutoff = min(row.copy.due_at for row in readiness.rows)
    previous = (StoreDirective.objects.filter(store_id__in=not_started, directive__status=DirectiveStatus.PUBLISHED,
                                              due_at__lt=cutoff)
                .exclude(directive=readiness.directive).order_by("store_id", "-due_at")
                .values_list("store_id", "status", "submitted_at", "due_at"))
    history: dict[int, list[bool]] = {}
    for store_id, status, submitted_at, due_at in previous:
        late = not (status == CopyStatus.APPROVED and submitted_at and submitted_at <= due_at)
        if len(history.setdefault(store_id, [])) < 2:
            history[store_id].append(late)
    return sorted(not_started[s] for s, lates in history.items() if len(lates) == 2 and all(lates))


def sentences(readiness: Readiness) -> list[Sentence]:
    r = readiness
    out = [Sentence(f"{r.done} of {_plural(r.stores, 'store')} ready ({r.percent_done} %).",
                    {"ready": r.done, "stores": r.stores})]
    if r.in_review:
        out.append(Sentence(f"{_plural(r.in_review, 'store')} waiting for the region's review.",
                            {"in review": r.in_review}))
    worst_items = sorted(r.item_missing.items(), key=lambda pair: (-len(pair[1]), pair[0]))[:2]
    for label, codes in worst_items:
        out.append(Sentence(f"{len(codes)} missing “{label}” ({_codes(codes)}).", {f"missing {label}": len(codes)}))
    overdue = [row.copy.store.code for row in r.rows if row.state.startswith("overdue")]
    if overdue:
        out.append(Sentence(f"{_plural(len(overdue), 'store')} past the due time ({_codes(overdue)}).",
                            {"overdue": r.overdue}))
    repeat = repeat_late(r)
    if repeat:
        out.append(Sentence(f"{_plural(len(repeat), 'store')} {'was' if len(repeat) == 1 else 'were'} late on the "
                            f"last two directives and {'is' if len(repeat) == 1 else 'are'} not started now "
                            f"({_codes(repeat)}).", {"late twice, not started": len(repeat)}))
    if r.done:
        timing = f"; median time to complete {r.median_hours:g} h" if r.median_hours is not None else ""
        out.append(Sentence(f"{r.on_time} of {r.done} finished on time{timing}.",
                            {"on time": r.on_time, "done": r.done, "median hours": r.median_hours}))
    return out


def readiness_summary(readiness: Readiness, *, viewer: User | None = None) -> tuple[list[Sentence], ReadinessSummary]:
    """The sentences, and their log row (reused while the figures have not changed for an hour)."""
    said = sentences(readiness)
    text = " ".join(s.text for s in said)
    figures = {s.text: s.figures for s in said}
    directive: Directive = readiness.directive
    recent = (ReadinessSummary.objects.filter(directive=directive, region=readiness.region, generator=GENERATOR,
                                              created_at__gte=timezone.now() - REUSE)
              .order_by("-created_at").first())
    if recent is not None and recent.text == text:
        return said, recent
    log = ReadinessSummary.objects.create(directive=directive, region=readiness.region, generator=GENERATOR,
                                          text=text, figures=figures, viewed_by=viewer)
    return said, log
