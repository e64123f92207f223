"""The relay endpoint of embedded mode (see `apps.live.relay`).

Permissions: machine to machine. The Celery worker and beat of the same installation POST here; a
request is authenticated by its HMAC signature (a key derived from SECRET_KEY, with a timestamp at most
60 s away), never by a session, so it is exempt from CSRF. It exists only while the channel layer is
the in-memory one: with Redis it answers 404 to everyone, so no one can inject messages. What it
accepts is limited to the events the consumer handles, addressed to groups of the known shapes; the
consumer still checks every event against each connection's scope, as for local sends.
"""

from __future__ import annotations

import json
import logging

from channels.layers import get_channel_layer
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.live import broadcast, conf
from apps.live.relay import SIGNATURE_HEADER, TIMESTAMP_HEADER, RelayRejected, relay_open, relay_verify

logger = logging.getLogger(__name__)


def _refused(status: int, message: str) -> JsonResponse:
    logger.warning("Live relay request refused (%d): %s", status, message)
    return JsonResponse({"status": "error", "error": message}, status=status)


@csrf_exempt
async def relay(request: HttpRequest) -> HttpResponse:
    """POST a signed JSON list of `{"group", "message"}`: sent on this process's layer, 204."""
    if not relay_open(get_channel_layer()):
        return JsonResponse({"status": "error", "error": "Not found."}, status=404)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > conf.RELAY_MAX_BYTES or len(request.body) > conf.RELAY_MAX_BYTES:
        return _refused(413, f"The body is larger than {conf.RELAY_MAX_BYTES} bytes.")
    try:
        relay_verify(body=request.body, timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
                     signature=request.headers.get(SIGNATURE_HEADER, ""))
    except RelayRejected as rejected:
        return _refused(rejected.status, rejected.message)
    try:
        sends = broadcast.relayed_messages(json.loads(request.body))
    except json.JSONDecodeError as error:
        return _refused(400, f"The body is not valid JSON: {error.msg} at position {error.pos}.")
    except ValueError as error:
        return _refused(400, str(error))
    await broadcast.relayed_send(sends)
    return HttpResponse(status=204)
