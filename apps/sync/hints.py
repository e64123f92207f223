"""Webhook hints from Odoo (automation rules) or middleware: verify, then schedule a refetch by id.

A hint is never trusted for data: it only says "look at this record soon". Odoo sends hints once,
with a one-second timeout, so they can be lost: polling by write_date remains the source of truth.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from apps.portal.phrases import Phrase, Text, data_of, english, phrase
from apps.sync import conf
from apps.sync.models import Feed, PendingRefetch, WebhookRejection

MAX_BODY_BYTES = 64 * 1024
MAX_ODOO_ID = 2**31 - 1  # Odoo's ids are PostgreSQL integers, and so are the mirror's
SIGNATURE_TOLERANCE_SECONDS = 300
SCHEDULED_FLAG = "sync:hint-refetch-scheduled"


def webhook_token() -> str:
    """The secret path segment. Embedded mode derives one from the secret key so the demo works."""
    configured: str = settings.CT_WEBHOOK_TOKEN
    if configured or settings.PRODUCTION:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"odoo-webhook-token", hashlib.sha256).hexdigest()[:32]


def hint_path() -> str:
    return f"/hooks/odoo/{webhook_token()}/"


class HintRejected(Exception):
    """A refused hint: `message` (English) answers the sender; `said` is kept for operations, who read
    it in their own language."""

    def __init__(self, status: int, reason: str, said: Phrase) -> None:
        super().__init__(said.english())
        self.status, self.reason, self.said, self.message = status, reason, said, said.english()


@dataclass(frozen=True)
class Hint:
    odoo_model: str
    odoo_id: int


def sign(body: bytes, timestamp: int, secret: str) -> str:
    """The signature a sender puts in X-Signature (documented in the README)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def hint_verify(*, token: str, body: bytes, headers: dict[str, str], now: float | None = None) -> Hint:
    """Check token, size, optional HMAC signature with timestamp (replays refused), and shape."""
    expected = webhook_token()
    if not expected or not hmac.compare_digest(token, expected):
        raise HintRejected(404, "bad_token", phrase("Not found."))
    if len(body) > MAX_BODY_BYTES:
        raise HintRejected(413, "too_large", phrase("Body larger than %(size)s bytes.", size=str(MAX_BODY_BYTES)))
    secret: str = settings.CT_WEBHOOK_SECRET
    if secret:
        _check_signature(body, headers, secret, time.time() if now is None else now)
    try:
        payload: Any = json.loads(body)
    except ValueError:
        raise HintRejected(400, "malformed", phrase("Body is not JSON.")) from None
    if not isinstance(payload, dict):
        raise HintRejected(400, "malformed", phrase('Body must be a JSON object with "_model" and "_id".'))
    model, odoo_id = payload.get("_model"), payload.get("_id")
    if (not isinstance(model, str) or not isinstance(odoo_id, int) or isinstance(odoo_id, bool)
            or not 0 < odoo_id <= MAX_ODOO_ID):
        raise HintRejected(400, "malformed", phrase('"_model" must be a model name and "_id" a record id between 1 '
                                                    'and %(most)s.', most=str(MAX_ODOO_ID)))
    if not Feed.objects.filter(odoo_model=model, enabled=True).exists():
        raise HintRejected(422, "unknown_model", phrase("No enabled feed mirrors %(model)s.", model=model))
    return Hint(odoo_model=model, odoo_id=odoo_id)


def _check_signature(body: bytes, headers: dict[str, str], secret: str, now: float) -> None:
    signature, stamp = headers.get("x-signature", ""), headers.get("x-signature-timestamp", "")
    if not signature or not stamp:
        raise HintRejected(401, "unsigned", phrase("X-Signature and X-Signature-Timestamp are required."))
    try:
        timestamp = int(stamp)
    except ValueError:
        raise HintRejected(401, "bad_signature", phrase("X-Signature-Timestamp must be Unix seconds.")) from None
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        raise HintRejected(401, "stale", phrase("Signature timestamp is too old or in the future."))
    if not hmac.compare_digest(signature, sign(body, timestamp, secret)):
        raise HintRejected(401, "bad_signature", phrase("Signature does not match."))
    if not cache.add(f"sync:hint-seen:{signature}", 1, timeout=SIGNATURE_TOLERANCE_SECONDS * 2):
        raise HintRejected(409, "replayed", phrase("This signed hint was already received."))


def _minute_key(prefix: str, address: str | None) -> str:
    return f"sync:{prefix}:{address or 'unknown'}:{int(time.time() // 60)}"


def _counted(key: str) -> int:
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key)
    except ValueError:  # gone between the two calls (expired, evicted, a flushed cache): start over
        cache.set(key, 1, timeout=120)
        return 1


def hint_rate_exceeded(*, source_ip: str | None) -> bool:
    """Count this call against its address's minute; True when the address is over either limit
    (too many calls, or too many refused ones). The first refusal of a minute is recorded as a
    `rate_limited` rejection, the rest cost only the counter. Counters live in the shared cache:
    while Redis is away they start over, so the endpoint fails open rather than closed."""
    refused = cache.get(_minute_key("hint-refused", source_ip), 0)
    calls = _counted(_minute_key("hint-calls", source_ip))
    if calls <= conf.HINT_RATE_PER_MINUTE and refused < conf.HINT_REFUSALS_PER_MINUTE:
        return False
    if cache.add(_minute_key("hint-limited", source_ip), 1, timeout=120):
        hint_reject_record(reason="rate_limited", source_ip=source_ip,
                           detail=phrase("%(calls)s calls, %(refused)s refused this minute from this address",
                                         calls=calls, refused=refused))
    return True


_REJECTION_UPSERT = """
INSERT INTO {table} (received_at, last_at, reason, count, source_ip, detail, detail_wording)
VALUES (%s, %s, %s, 1, %s, %s, %s)
ON CONFLICT (reason, received_at) DO UPDATE SET count = {table}.count + 1, last_at = EXCLUDED.last_at,
    source_ip = EXCLUDED.source_ip, detail = EXCLUDED.detail, detail_wording = EXCLUDED.detail_wording
"""


def hint_reject_record(*, reason: str, source_ip: str | None, detail: Text) -> None:
    """Count one refusal in its reason's row for the current minute (created by the first one).
    One statement, so concurrent refusals never collide on the row. The detail is kept in English
    and as a phrase, read on the health page in each reader's language."""
    if reason != "rate_limited":
        _counted(_minute_key("hint-refused", source_ip))
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(_REJECTION_UPSERT.format(table=ops.quote_name(WebhookRejection._meta.db_table)),
                       [ops.adapt_datetimefield_value(minute), ops.adapt_datetimefield_value(now), reason,
                        source_ip, english(detail)[:200], ops.adapt_json_value(data_of(detail), None)])


_PENDING_UPSERT = """
INSERT INTO {table} (odoo_model, odoo_id, hinted_at, hints) VALUES (%s, %s, %s, 1)
ON CONFLICT (odoo_model, odoo_id) DO UPDATE SET hints = {table}.hints + 1
"""


@transaction.atomic
def hint_accept(hint: Hint) -> None:
    """Record the hint and schedule one refetch for the whole burst. Duplicates collapse onto one
    row in a single `INSERT .. ON CONFLICT` statement, so identical hints arriving at once never
    race. If the broker cannot take the task, the next poll refetches the pending rows anyway."""
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(_PENDING_UPSERT.format(table=ops.quote_name(PendingRefetch._meta.db_table)),
                       [hint.odoo_model, hint.odoo_id, ops.adapt_datetimefield_value(timezone.now())])
    if cache.add(SCHEDULED_FLAG, 1, timeout=5):
        from apps.sync.tasks import refetch_hinted

        transaction.on_commit(lambda: refetch_hinted.apply_async(countdown=settings.CT_HINT_COALESCE_SECONDS),
                              robust=True)
