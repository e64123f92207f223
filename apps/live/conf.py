"""Live update settings, parsed strictly from the environment (see README "Live updates")."""

from __future__ import annotations

from controltower import env

# How often a connection re-reads its person's scope from the database, on its own clock. Role
# grants, revocations, deactivations and stores moved or closed are pushed to open connections at
# once (`scope.changed`); this bounds the delay for changes nothing announces (permissions edited by
# hand). Each connection's interval varies by +-20 % so that tabs opened together do not
# all re-read at once, and a person's tabs in one process share one read.
SCOPE_MAX_AGE_SECONDS = env.decimal("CT_LIVE_SCOPE_MAX_AGE", 60.0, minimum=0)

# Embedded mode only. With no REDIS_URL the channel layer lives inside one process, so notices sent
# by the Celery worker and beat would never reach the browsers connected to the web process. Set to
# the web process's relay endpoint (e.g. http://127.0.0.1:8000/live/relay/) in the worker and beat:
# they then POST their notices there, signed with a key derived from the shared SECRET_KEY, and the
# web process sends them on its own layer. `run_demo` sets it when it finds no Redis. Empty: off;
# ignored whenever the layer is Redis (which every process shares).
RELAY_URL = env.url("CT_LIVE_RELAY_URL", schemes=("http", "https"))
# A notice is best effort: a sender never waits long for a web process that is down or busy.
RELAY_TIMEOUT_SECONDS = 2.0
# The endpoint refuses bodies larger than this and timestamps further than this from its clock.
RELAY_MAX_BYTES = 256 * 1024
RELAY_TOLERANCE_SECONDS = 60
