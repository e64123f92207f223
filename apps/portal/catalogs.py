"""Message catalogs without their empty fallbacks.

Django merges every installed app's catalog for a language into one, and keeps as fallbacks the
catalogs Python's gettext found for the bare language: for English, five `en` catalogs of Django's
own apps holding nothing but their header. Every English string (the source language: none is in a
catalog) walks that chain on each lookup, about half the cost of a `{% translate %}` (a page renders
hundreds). Dropping the fallbacks that hold no message changes no answer: an empty catalog only hands
the lookup on, and the last link answers with the message itself, as the portal's plural rule does.
"""

from __future__ import annotations

import gettext as gettext_module
from typing import Any

from django.conf import settings
from django.utils.translation import trans_real


def _empty(catalog: Any) -> bool:
    """A plain gettext catalog holding no message (its header only)."""
    messages = getattr(catalog, "_catalog", None)
    return (type(catalog) is gettext_module.GNUTranslations and isinstance(messages, dict)
            and all(key == "" for key in messages))


def fallbacks_prune(language: str) -> int:
    """Remove the message-less fallbacks of `language`'s catalog; returns how many went."""
    current: Any = trans_real.translation(language)
    removed = 0
    while current is not None:
        following = getattr(current, "_fallback", None)
        while following is not None and _empty(following):
            following = getattr(following, "_fallback", None)
            removed += 1
        current._fallback = following
        current = following
    return removed


def catalogs_prune() -> None:
    """Every offered language's catalog, once at start-up."""
    for code, _name in settings.LANGUAGES:
        fallbacks_prune(code)
