"""Settings of the REST API, read strictly from the environment (see README "REST API").

Code reads these as `conf.NAME` at call time, so a test can change one with monkeypatch.
"""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

from controltower import env

_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _rate(name: str, default: str) -> str:
    """A DRF throttle rate such as `600/minute`; anything else stops the start with a clear message."""
    value = env.text(name, default).replace(" ", "")
    if not _RATE.match(value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate: use e.g. 600/minute, 20/second or 5000/hour.")
    return value


# Requests per token (or per signed-in person using the session), and per address without credentials.
RATE_TOKEN = _rate("CT_API_RATE", "600/minute")
RATE_ANONYMOUS = _rate("CT_API_RATE_ANONYMOUS", "60/minute")

# Cursor pagination.
PAGE_SIZE = env.integer("CT_API_PAGE_SIZE", 50, minimum=1)
MAX_PAGE_SIZE = env.integer("CT_API_MAX_PAGE_SIZE", 200, minimum=1)

# Tokens: every token expires; a person picks the lifetime up to the maximum.
TOKEN_DEFAULT_DAYS = env.integer("CT_API_TOKEN_DEFAULT_DAYS", 90, minimum=1)
TOKEN_MAX_DAYS = env.integer("CT_API_TOKEN_MAX_DAYS", 365, minimum=1)
if TOKEN_DEFAULT_DAYS > TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("CT_API_TOKEN_DEFAULT_DAYS must not exceed CT_API_TOKEN_MAX_DAYS.")
# `last_used_at` is written at most this often per token, so reads do not become writes.
TOKEN_TOUCH_SECONDS = 60

# Largest request body: JSON bodies are small; multipart bodies carry incident photos.
MAX_JSON_BYTES = env.integer("CT_API_MAX_JSON_KB", 256, minimum=1) * 1024
