"""Live notices, from domain events: which panels each event changes, told after commit.

Every subscriber here runs after the commit (`Phase.COMMIT`), so a browser never re-fetches data that
is not there yet. Events arriving together (one `events.batched()` block, such as a sync batch) become
one pass over the channel layer per set of topics. Changes that are no domain event (the webhook delivery log,
sign-outs, scope changes) call `apps.live.broadcast` directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from apps.events import Phase, Subscriber
from apps.events.types import (
    ApprovalDeadlineExtended,
    ApprovalDecided,
    ApprovalEscalated,
    ApprovalReassigned,
    ApprovalRetried,
    ApprovalUndone,
    ApprovalWriteBackFinished,
    DirectiveOverdue,
    DirectiveStoreCompleted,
    Event,
    ExceptionOpened,
    ExceptionResolved,
    ExceptionUpdated,
    FeedBatchSynced,
    HealthSignalsChanged,
    IncidentCommented,
    IncidentEscalated,
    IncidentOverridden,
    IncidentReported,
    IncidentStatusChanged,
    IncidentThreadReplied,
    IncidentUpdated,
    IncidentWriteBackFinished,
    WriteBackDeferred,
    WriteBackFinished,
    WriteBackQueued,
    WriteBackWithdrawn,
)
from apps.live.broadcast import panels_changed, stores_panels_changed

# The panel topic each event changes (the topics the pages listen to).
TOPICS: dict[type[Event], str] = {
    ApprovalDecided: "approvals",
    ApprovalUndone: "approvals",
    ApprovalReassigned: "approvals",
    ApprovalDeadlineExtended: "approvals",
    ApprovalEscalated: "approvals",
    ApprovalWriteBackFinished: "approvals",
    ApprovalRetried: "approvals",
    WriteBackQueued: "writebacks",
    WriteBackWithdrawn: "writebacks",
    WriteBackDeferred: "writebacks",
    WriteBackFinished: "writebacks",
    IncidentReported: "incidents",
    IncidentStatusChanged: "incidents",
    IncidentUpdated: "incidents",
    IncidentCommented: "incidents",
    IncidentThreadReplied: "incidents",
    IncidentOverridden: "incidents",
    IncidentEscalated: "incidents",
    IncidentWriteBackFinished: "incidents",
    ExceptionOpened: "exception",
    ExceptionResolved: "exception",
    ExceptionUpdated: "exception",
    HealthSignalsChanged: "health",
    DirectiveStoreCompleted: "directives",
    DirectiveOverdue: "directives",
}


def panels_tell(events: Sequence[Event]) -> None:
    """One notice per store for the events that arrived together, naming every topic they changed there
    (a decision and its write-back: one notice), stores with the same topics in one pass."""
    topics_at: dict[int | None, list[str]] = {}
    for event in events:
        if isinstance(event, FeedBatchSynced):
            targets: list[int | None] = [*sorted(event.store_ids)]
            topic = event.feed_kind
        else:
            targets, topic = [event.store_id], TOPICS[type(event)]
        for store_id in targets:
            topics = topics_at.setdefault(store_id, [])
            if topic not in topics:
                topics.append(topic)
    by_topics: dict[tuple[str, ...], list[int | None]] = defaultdict(list)
    for store_id, topics in topics_at.items():
        by_topics[tuple(topics)].append(store_id)
    for topics_told, store_ids in by_topics.items():
        if None in store_ids:  # network-wide (health)
            panels_changed(store_id=None, topics=topics_told)
        stores_panels_changed(store_ids=[pk for pk in store_ids if pk is not None], topics=topics_told)


# One subscriber for every event with panels, so events arriving together are told in one pass.
SUBSCRIBERS = [Subscriber((*TOPICS, FeedBatchSynced), panels_tell, Phase.COMMIT)]
