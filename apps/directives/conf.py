"""Settings of store directives, read strictly from the environment (README "Store directives").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

from controltower import env

# Where directives go in Odoo: one task per store in this project, one subtask per checklist item.
PROJECT = env.text("CT_DIRECTIVE_PROJECT", "Store directives")
# Reminders and escalation: the store is reminded this long before its due time; the regional manager
# is told at the due time, HQ this long after it.
REMINDER_HOURS = env.decimal("CT_DIRECTIVE_REMINDER_HOURS", 2.0, minimum=0)
HQ_ESCALATION_HOURS = env.decimal("CT_DIRECTIVE_HQ_ESCALATION_HOURS", 4.0, minimum=0)
# A store not approved by launch: its `directive_overdue` exception's severity by the time left.
LAUNCH_HIGH_HOURS = env.decimal("CT_DIRECTIVE_LAUNCH_HIGH_HOURS", 4.0, minimum=0)
LAUNCH_MEDIUM_HOURS = env.decimal("CT_DIRECTIVE_LAUNCH_MEDIUM_HOURS", 24.0, minimum=0)
CHECK_INTERVAL = env.decimal("CT_DIRECTIVE_CHECK_SECONDS", 60.0, minimum=5)
# Attachments of a directive (planograms, images).
MAX_ATTACHMENTS = env.integer("CT_DIRECTIVE_MAX_ATTACHMENTS", 5, minimum=0)
ATTACHMENT_MAX_BYTES = int(env.decimal("CT_DIRECTIVE_ATTACHMENT_MAX_MB", 10.0, minimum=0.1) * 1024 * 1024)
MAX_ITEMS = 40
