"""What this app plugs into the portal (installed by its AppConfig.ready(), see controltower.registries)."""

from apps.live.subscribers import SUBSCRIBERS

__all__ = ["SUBSCRIBERS"]
