"""One HTTP POST to a receiver, with the standard library (no extra runtime dependency).

Redirects are not followed (a signed event goes to the configured address or nowhere), and the
answer is read only up to a small excerpt for the delivery log.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

USER_AGENT = "ControlTower-Webhooks/1.0"


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _read_excerpt(response: Any, limit: int) -> str:
    try:
        return bytes(response.read(limit)).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, excerpt_limit: int) -> SendResult:
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (scheme checked on save)
                                     headers={"Content-Type": "application/json", "User-Agent": USER_AGENT,
                                              **headers})
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=timeout) as response:
            return SendResult(response.status, "", _read_excerpt(response, excerpt_limit), elapsed())
    except urllib.error.HTTPError as exc:
        reason = "Redirect not followed" if 300 <= exc.code < 400 else f"HTTP {exc.code}"
        return SendResult(exc.code, reason, _read_excerpt(exc, excerpt_limit), elapsed())
    except TimeoutError:
        return SendResult(None, f"No answer within {timeout:g} s", "", elapsed())
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return SendResult(None, f"No answer within {timeout:g} s", "", elapsed())
        return SendResult(None, f"Connection failed: {exc.reason}"[:300], "", elapsed())
    except (OSError, ValueError) as exc:
        return SendResult(None, f"{type(exc).__name__}: {exc}"[:300], "", elapsed())
