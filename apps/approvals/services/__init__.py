"""The writes of approvals: `decisions` (approve, reject, bulk, system rules, retry), `undo`
(take a decision back inside its undo window), `overrides` (reassign, extend, escalate, with a reason)
and `deadlines` (reminders and escalation by the clock)."""
