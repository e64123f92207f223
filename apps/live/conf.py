"""Live update settings, parsed strictly from the environment (see README "Live updates")."""

from __future__ import annotations

from controltower import env

# How old a connection's copy of its person's scope may get before an event re-reads it from the
# database. Role grants, revocations and deactivations are pushed to open connections at once
# (`scope.changed`); this bounds the delay for changes nothing announces (a store moved to
# another region, permissions edited by hand).
# Each connection's limit varies by +-20 % so that tabs opened together do not all re-read at once.
SCOPE_MAX_AGE_SECONDS = env.decimal("CT_LIVE_SCOPE_MAX_AGE", 60.0, minimum=0)
