"""Channel layers for tests that need one of their own."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from django.conf import settings


def redis_layer(label: str) -> dict[str, Any]:
    """The shipped Redis layer configuration (host options included) under a prefix of its own, so runs
    sharing one Redis never hear each other's groups. Needs REDIS_URL, as in CI."""
    shipped = settings.CHANNEL_LAYERS["default"]
    assert shipped["BACKEND"].startswith("channels_redis"), "REDIS_URL is not set: skip tests that need Redis"
    return {"default": {"BACKEND": shipped["BACKEND"], "CONFIG": {
        "hosts": copy.deepcopy(shipped["CONFIG"]["hosts"]), "prefix": f"ct-{label}-{uuid.uuid4().hex[:12]}"}}}
