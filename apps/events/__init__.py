"""Domain events: one way to say what happened, and one place to see who reacts.

A service that changes something others care about says so explicitly, inside its transaction:

    from apps import events
    from apps.events.types import ApprovalDecided

    events.emit(ApprovalDecided(request=request, decision=decision))

Who reacts is listed per concern, one module each, and installed by that app's `registry.py`:
`apps/webhooks/subscribers.py` (outbound webhook events: outbox rows, in the transaction),
`apps/live/subscribers.py` (live notices, after commit), `apps/notifications/subscribers.py`
(in-app notifications: rows in the transaction, e-mail after commit). Dashboard cache versions follow
the live notices (`apps/dashboards/subscribers.py`). README "Development" has the table.

Adding an event:
1. Add a frozen dataclass to `apps/events/types.py` deriving from `Event`, with a docstring whose
   `Payload:` section names every field (a test checks it), and a `store_id` (None: network-wide).
2. Emit it from the service that makes the change, inside the transaction, once per change, including
   bulk and `.update()` paths (a test per service checks "exactly once" with `events.recording()`).
3. Subscribe at least one concern to it (a test checks every event type has a subscriber).

Adding a subscriber: write `def handler(events: Sequence[TheEvent]) -> None` in the concern's
`subscribers.py` and add `Subscriber(TheEvent, handler, Phase.TRANSACTION | Phase.COMMIT)` to its
`SUBSCRIBERS` list. `Phase.TRANSACTION` runs inside the emitting transaction (use it only to write
rows that must commit or roll back with the change; a failure there fails the change unless the
handler guards itself); `Phase.COMMIT` runs after the commit, best effort (a failure is logged). Both
get every matching event of an `events.batched()` block in one call: transaction-phase subscribers
when the block ends, still inside the transaction. Subscribing to a base class
receives its subclasses.
"""

from apps.events.bus import Phase, Subscriber, batched, emit, recording, subscribe, subscribers_for

__all__ = ["Phase", "Subscriber", "batched", "emit", "recording", "subscribe", "subscribers_for"]
