"""The catalogs' empty fallbacks are dropped at start-up: every answer stays the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from apps.portal.catalogs import fallbacks_prune

MESSAGES = ["Approve", "Decided", "Nothing here.", "Not a message of any catalog", "This field is required.",
            "Log in", "January", "Sunday"]
PLURALS = [("%(count)d request", "%(count)d requests"), ("%(num)d minute", "%(num)d minutes"),
           ("Approved %(count)d request.", "Approved %(count)d requests.")]
CONTEXTS = [("status", "Open"), ("amount", "to"), ("abbrev. month", "Jan."), ("no context", "Approve")]


def _answers(language: str) -> list[Any]:
    with translation.override(language):
        return ([translation.gettext(m) for m in MESSAGES]
                + [translation.ngettext(one, many, n) for one, many in PLURALS for n in (0, 1, 2, 5)]
                + [translation.pgettext(context, m) for context, m in CONTEXTS])


def _chain(language: str) -> list[Any]:
    found, current = [], trans_real.translation(language)
    while current is not None:
        found.append(current)
        current = getattr(current, "_fallback", None)
    return found


@pytest.mark.parametrize("language", ["en-gb", "fr", "es"])
def test_it_drops_the_empty_fallbacks_and_every_answer_stays(language: str, compiled_catalogs: None) -> None:
    trans_real._translations = {}  # built afresh, as a process starting
    before = _answers(language)
    length = len(_chain(language))
    removed = fallbacks_prune(language)
    assert len(_chain(language)) == length - removed
    assert all(dict(getattr(link, "_catalog", None) or {}).keys() - {""} for link in _chain(language)[1:])
    assert _answers(language) == before
    if language == "en-gb":
        assert removed >= 1  # Django's own `en` catalogs: a header and nothing else
        assert before[0] == "Approve"
        assert before[3] == "Not a message of any catalog"
    else:
        assert before[0] != "Approve"  # translated: the catalog is really read

