"""Settings of the load benchmark's web processes: the portal's own, plus one bare view (the baseline)."""

from __future__ import annotations

from controltower.settings import *  # noqa: F403

ROOT_URLCONF = "bench._load_urls"
