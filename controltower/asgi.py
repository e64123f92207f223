"""ASGI entry point: HTTP through Django, websockets through Channels.

Django is set up before the routing is imported, because the consumers import models.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "controltower.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from controltower.routing import websocket_urlpatterns  # noqa: E402
from controltower.runtime import heap_freeze  # noqa: E402
from controltower.sync_threads import BoundedSyncThreads  # noqa: E402

application = ProtocolTypeRouter(
    {
        # At most CT_ASGI_THREADS requests run their synchronous part at once; the others wait their turn.
        "http": BoundedSyncThreads(django_asgi_app, settings.CT_ASGI_THREADS),
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
heap_freeze()  # what start-up built lives as long as the process: out of the collector's walks
