"""What dashboards plug into the portal (installed by DashboardsConfig.ready(), see controltower.registries).

The cached figures' versions follow the live notices rather than single domain events: every
announced change (a domain event, or a mirror batch) bumps its stores' versions before the notice
goes out, so the refresh a notice causes is fresh.
"""

from apps.dashboards.cache import stores_changed

CHANGE_LISTENERS = [stores_changed]
