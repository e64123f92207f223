"""A fake Odoo server that speaks the recorded contract (JSON-RPC, JSON-2, webhooks), for demo mode and tests.

Standard library only and free of Django imports (except `apps.py` and the management command), so tests
can start it in a thread: see `testing.running_sandbox`.
"""
