"""Settings of outbound webhooks, read strictly from the environment (see README "Outbound webhooks").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

from django.conf import settings

from controltower import env

# One delivery attempt: how long to wait for the receiver.
TIMEOUT_SECONDS = env.decimal("CT_OUTBOUND_WEBHOOK_TIMEOUT", 5.0, minimum=0.1)
# Retries: exponential backoff with jitter between attempts, up to a cap, then the delivery is dead.
MAX_ATTEMPTS = env.integer("CT_OUTBOUND_WEBHOOK_MAX_ATTEMPTS", 10, minimum=1)
BACKOFF_SECONDS = env.decimal("CT_OUTBOUND_WEBHOOK_BACKOFF_SECONDS", 30.0, minimum=0)
BACKOFF_CAP_SECONDS = env.decimal("CT_OUTBOUND_WEBHOOK_BACKOFF_CAP_SECONDS", 6 * 3600.0, minimum=0)
# A claimed delivery whose worker died is retried after this lease.
LEASE_SECONDS = env.integer("CT_OUTBOUND_WEBHOOK_LEASE_SECONDS", 120, minimum=5)
# Delivered and dead deliveries (and their events) are kept this long for the log and redelivery.
KEEP_DAYS = env.integer("CT_OUTBOUND_WEBHOOK_KEEP_DAYS", 30, minimum=1)
# Plain http:// receivers: allowed in the embedded mode, refused in production unless enabled.
ALLOW_HTTP = env.flag("CT_OUTBOUND_WEBHOOK_ALLOW_HTTP", not settings.PRODUCTION)
# How many deliveries one dispatcher pass sends at most.
DISPATCH_BATCH = 100
# How much of a receiver's answer is kept in the delivery log.
RESPONSE_EXCERPT = 500
