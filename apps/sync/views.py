"""The webhook hint endpoint (no session: authenticated by the secret path token and signature)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.audit.services import client_ip
from apps.sync.hints import HintRejected, hint_accept, hint_rate_exceeded, hint_reject_record, hint_verify

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def odoo_hint(request: HttpRequest, token: str) -> JsonResponse:
    source_ip = client_ip(request)
    if hint_rate_exceeded(source_ip=source_ip):
        response = JsonResponse({"status": "error", "error": "Too many calls from this address; retry in a minute."},
                                status=429)
        response["Retry-After"] = "60"
        return response
    try:
        hint = hint_verify(token=token, body=request.body, headers={k.lower(): v for k, v in request.headers.items()})
    except HintRejected as rejected:
        logger.info("Webhook hint rejected: %s", rejected.reason)
        hint_reject_record(reason=rejected.reason, source_ip=source_ip, detail=rejected.said)
        return JsonResponse({"status": "error", "error": rejected.message}, status=rejected.status)
    hint_accept(hint)
    return JsonResponse({"status": "ok"}, status=202)
