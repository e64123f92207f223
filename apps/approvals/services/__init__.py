"""The writes of approvals: `decisions` (approve, reject, bulk, system rules, retry), `overrides`
(reassign, extend, escalate, with a reason) and `deadlines` (reminders and escalation by the clock)."""
