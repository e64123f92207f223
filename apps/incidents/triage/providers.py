"""Where suggestions come from: the local model by default, or an external model service over HTTP.

Every provider answers with a `Suggestion`; when it cannot (timeout, error, nonsense), the answer is
a "needs manual triage" suggestion, never an exception, so reporting an incident never waits on AI.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from apps.incidents import conf
from apps.incidents.taxonomy import Category, Urgency

logger = logging.getLogger(__name__)
MAX_TEXT = 4000


@dataclass(frozen=True)
class Suggestion:
    category: str
    category_confidence: float
    urgency: str
    urgency_confidence: float
    why: tuple[str, ...]
    model_version: str
    provider: str
    manual: bool = False
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def manual_triage(cls, *, provider: str, model_version: str, error: str) -> Suggestion:
        return cls(category="", category_confidence=0.0, urgency="", urgency_confidence=0.0, why=(),
                   model_version=model_version, provider=provider, manual=True, error=error[:200])

    @property
    def confidence(self) -> float:
        """The routing confidence: the category decides where the incident goes in Odoo. Urgency has
        its own confidence, shown beside it, and is always confirmed by the person."""
        return 0.0 if self.manual else self.category_confidence


class TriageProvider(Protocol):
    name: str

    def suggest(self, text: str, *, categories: tuple[str, ...] = ()) -> Suggestion: ...


class LocalProvider:
    """The scikit-learn model trained from the labelled set in the repository."""

    name = "local"

    def suggest(self, text: str, *, categories: tuple[str, ...] = ()) -> Suggestion:
        from apps.incidents.triage.classifier import model_get

        model = model_get()
        prediction = model.predict(text, categories=categories)
        return Suggestion(category=prediction.category, category_confidence=prediction.category_confidence,
                          urgency=prediction.urgency, urgency_confidence=prediction.urgency_confidence,
                          why=prediction.why, model_version=model.version, provider=self.name)


class HttpProvider:
    """An external model service: `POST {url}` with `{"text", "categories", "urgencies"}`, answering
    `{"category", "category_confidence", "urgency", "urgency_confidence", "why", "model_version"}`.
    A timeout, an error status or an answer outside the taxonomy means manual triage."""

    name = "http"

    def __init__(self, url: str, *, timeout: float, token: str = "") -> None:
        self.url, self.timeout, self.token = url, timeout, token

    def suggest(self, text: str, *, categories: tuple[str, ...] = ()) -> Suggestion:
        body = json.dumps({"text": text[:MAX_TEXT], "categories": list(categories or Category.values),
                           "urgencies": list(Urgency.values)}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (http/https only)
                answer = json.loads(response.read(64 * 1024))
        except TimeoutError:
            return self._manual(f"the triage service did not answer within {self.timeout:g}s")
        except urllib.error.HTTPError as exc:
            return self._manual(f"the triage service answered HTTP {exc.code}")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                return self._manual(f"the triage service did not answer within {self.timeout:g}s")
            return self._manual(f"the triage service is unreachable ({type(reason).__name__})")
        except ValueError:
            return self._manual("the triage service answered something that is not JSON")
        return self._parse(answer, categories)

    def _parse(self, answer: Any, categories: tuple[str, ...]) -> Suggestion:
        try:
            category, urgency = str(answer["category"]), str(answer["urgency"])
            category_confidence = float(answer["category_confidence"])
            urgency_confidence = float(answer["urgency_confidence"])
            why = tuple(str(word)[:40] for word in answer.get("why", [])[:5])
            version = str(answer.get("model_version") or "external")[:48]
        except (KeyError, TypeError, ValueError):
            return self._manual("the triage service's answer is missing fields")
        valid = (category in (categories or Category.values) and urgency in Urgency.values
                 and 0 <= category_confidence <= 1 and 0 <= urgency_confidence <= 1)
        if not valid:
            return self._manual("the triage service's answer is outside the incident taxonomy")
        return Suggestion(category=category, category_confidence=category_confidence, urgency=urgency,
                          urgency_confidence=urgency_confidence, why=why, model_version=f"http-{version}",
                          provider=self.name)

    def _manual(self, error: str) -> Suggestion:
        logger.warning("Triage fell back to manual: %s", error)
        return Suggestion.manual_triage(provider=self.name, model_version="http", error=error)


def provider_get() -> TriageProvider:
    if conf.TRIAGE_PROVIDER == "http":
        return HttpProvider(conf.TRIAGE_URL, timeout=conf.TRIAGE_TIMEOUT, token=conf.TRIAGE_TOKEN)
    return LocalProvider()


def triage_text(text: str, *, categories: tuple[str, ...] = (),
                provider: TriageProvider | None = None) -> Suggestion:
    """A suggestion for the text; any failure of the provider becomes "needs manual triage"."""
    provider = provider or provider_get()
    try:
        return provider.suggest(text[:MAX_TEXT], categories=categories)
    except Exception as exc:  # a broken model must never stop a store from reporting
        logger.exception("Triage provider %s failed", provider.name)
        return Suggestion.manual_triage(provider=provider.name, model_version=provider.name,
                                        error=f"{type(exc).__name__}")


_warming = threading.Lock()


def model_warm_in_background() -> None:
    """Load or train the local model in a background thread when it is not ready yet, so the person
    who just opened the report form gets their first suggestion without waiting for training."""
    if conf.TRIAGE_PROVIDER != "local" or not _warming.acquire(blocking=False):
        return
    from apps.incidents.triage.classifier import model_get, model_if_ready

    if model_if_ready() is not None:
        _warming.release()
        return

    def warm() -> None:
        try:
            model_get()
        except Exception:
            logger.exception("Triage model could not be prepared in the background")
        finally:
            _warming.release()

    threading.Thread(target=warm, name="triage-warm", daemon=True).start()
