"""Fault injection: latency, transient failures, outages and lost webhook hints.

Controlled in-process (`server.faults.latency = 0.2`) or over HTTP (`POST /sandbox/faults` with the
same names as JSON; `GET /sandbox/faults` shows them). Failures look like the real thing:

- `error_rate`: the request fails before Odoo sees it, as one of `error_kinds`:
  "503" (a proxy's 503 page), "drop" (connection closed without an answer), "timeout" (no answer for
  `hang_seconds`, then closed).
- `lost_reply_rate`: the call is executed and committed, then the connection drops before the answer
  (the case that makes write-backs need idempotency).
- `down = True`: every Odoo route answers 503 (or, in-process only, `down_mode = "refuse"`: the
  listening socket is closed so connections are refused); `down = False` ends it.
- `outage_for(seconds, mode="503"|"refuse")` (HTTP: `outage_seconds` with optional `down_mode`): the
  same for a while, ending by itself.
- `drop_hints_rate`: outgoing webhook hints silently lost.
`/sandbox/*` routes are never affected.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

ERROR_KINDS = ("503", "drop", "timeout")
DOWN_MODES = ("503", "refuse")


class Faults:
    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.latency = 0.0
        self.error_rate = 0.0
        self.error_kinds: tuple[str, ...] = ("503", "drop")
        self.lost_reply_rate = 0.0
        self.hang_seconds = 30.0
        self.down = False
        self.down_mode = "503"
        self.down_until = 0.0
        self.outage_mode = "503"
        self.drop_hints_rate = 0.0
        self.injected = 0  # failures injected so far (requests and hints)

    def reset(self) -> None:
        """Back to a healthy server."""
        with self._lock:
            self.latency = self.error_rate = self.lost_reply_rate = self.drop_hints_rate = 0.0
            self.error_kinds = ("503", "drop")
            self.down, self.down_mode, self.down_until, self.outage_mode = False, "503", 0.0, "503"

    def seed(self, seed: int) -> None:
        with self._lock:
            self._random.seed(seed)

    def outage_for(self, seconds: float, mode: str = "503") -> None:
        """An outage that ends by itself after `seconds`: "503" answers, or "refuse"d connections."""
        if mode not in DOWN_MODES:
            raise ValueError(f"mode must be one of {DOWN_MODES}")
        self.outage_mode = mode
        self.down_until = time.monotonic() + float(seconds)

    def end_outage(self) -> None:
        self.down = False
        self.down_until = 0.0

    def _in_outage(self) -> bool:
        return time.monotonic() < self.down_until

    def is_down(self) -> bool:
        return self.down or self._in_outage()

    def refusing(self) -> bool:
        return (self.down and self.down_mode == "refuse") or (self._in_outage() and self.outage_mode == "refuse")

    def _roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            hit = self._random.random() < rate
            if hit:
                self.injected += 1
            return hit

    def request_failure(self) -> str | None:
        """The failure to inject for one request, or None."""
        if not self._roll(self.error_rate):
            return None
        with self._lock:
            return self._random.choice(self.error_kinds or ("503",))

    def lose_reply(self) -> bool:
        return self._roll(self.lost_reply_rate)

    def drop_hint(self) -> bool:
        return self._roll(self.drop_hints_rate)

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency": self.latency,
            "error_rate": self.error_rate,
            "error_kinds": list(self.error_kinds),
            "lost_reply_rate": self.lost_reply_rate,
            "hang_seconds": self.hang_seconds,
            "down": self.is_down(),
            "down_mode": self.down_mode,
            "outage_mode": self.outage_mode,
            "outage_remaining": max(0.0, round(self.down_until - time.monotonic(), 3)),
            "drop_hints_rate": self.drop_hints_rate,
            "injected": self.injected,
        }

    def update(self, values: dict[str, Any]) -> None:
        """Apply settings given by name (the HTTP control route); raises ValueError on bad input."""
        rates = ("error_rate", "lost_reply_rate", "drop_hints_rate")
        known = set(rates) | {
            "latency",
            "error_kinds",
            "hang_seconds",
            "down",
            "down_mode",
            "outage_seconds",
            "reset",
            "seed",
        }
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        if values.get("reset"):
            self.reset()
        if "seed" in values:
            self.seed(int(values["seed"]))
        for name in rates:
            if name in values:
                rate = float(values[name])
                if not 0.0 <= rate <= 1.0:
                    raise ValueError(f"{name} must be between 0 and 1")
                setattr(self, name, rate)
        for name in ("latency", "hang_seconds"):
            if name in values:
                seconds = float(values[name])
                if not 0.0 <= seconds <= 600:
                    raise ValueError(f"{name} must be between 0 and 600 seconds")
                setattr(self, name, seconds)
        if "error_kinds" in values:
            kinds = tuple(values["error_kinds"])
            if not kinds or any(kind not in ERROR_KINDS for kind in kinds):
                raise ValueError(f"error_kinds must be a non-empty list of {ERROR_KINDS}")
            self.error_kinds = kinds
        mode = values.get("down_mode", "503" if "outage_seconds" in values else self.down_mode)
        if mode not in DOWN_MODES:
            raise ValueError(f"down_mode must be one of {DOWN_MODES}")
        if "outage_seconds" in values:
            seconds = float(values["outage_seconds"])
            if not 0.0 <= seconds <= 3600:
                raise ValueError("outage_seconds must be between 0 and 3600")
            self.outage_for(seconds, mode)
        if "down" in values:
            if values["down"] and mode == "refuse":
                raise ValueError("down_mode 'refuse' needs outage_seconds over HTTP (nothing could switch it back)")
            self.down = bool(values["down"])
            if not self.down:
                self.down_until = 0.0
        if "outage_seconds" not in values and "down_mode" in values and mode != "refuse":
            self.down_mode = mode
