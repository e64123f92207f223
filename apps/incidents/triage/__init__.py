"""AI-assisted triage, bounded: a suggested category and urgency with a confidence and a short "why".

The suggestion is only ever an editable default shown to a person; nothing here closes, assigns or
approves anything. `providers.triage_text` is the entry point and never raises.
"""
