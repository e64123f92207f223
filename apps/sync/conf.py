"""Settings of the sync engine (the feed lease) and the webhook hint endpoint, read strictly from the
environment (see README "Odoo sync").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

from controltower import env

# Hints accepted per minute from one address; beyond it the endpoint answers 429 until the minute ends.
# Odoo sends one hint per changed record, so a bulk edit in Odoo may pass it: the hints refused are
# picked up by the next poll (CT_SYNC_INTERVAL).
HINT_RATE_PER_MINUTE = env.integer("CT_HINT_RATE_PER_MINUTE", 600, minimum=1)
# Refused hints (bad token, signature, shape) per minute from one address before every further call
# from it is answered 429 without being looked at: a scanner or a misconfigured sender cannot flood.
HINT_REFUSALS_PER_MINUTE = env.integer("CT_HINT_REFUSALS_PER_MINUTE", 20, minimum=1)

# A running sync renews its feed's lease every CT_SYNC_LEASE_RENEW_SECONDS (each batch does too); a
# lease not renewed for CT_SYNC_LEASE_SECONDS is taken over by the next run, which marks the silent
# run interrupted. Longer than any pause of a live worker, shorter than operations will wait.
SYNC_LEASE_SECONDS = env.decimal("CT_SYNC_LEASE_SECONDS", 60.0, minimum=1.0)
SYNC_LEASE_RENEW_SECONDS = env.decimal("CT_SYNC_LEASE_RENEW_SECONDS", 15.0, minimum=0.1)

# Finished sync runs are kept this many days (each feed's latest run and a run holding a lease always):
# one run per feed every CT_SYNC_INTERVAL is about 23,000 rows a day for 8 feeds at 30 s.
RUN_HISTORY_DAYS = env.integer("CT_SYNC_RUN_HISTORY_DAYS", 30, minimum=1)
