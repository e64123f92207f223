"""Every role's main pages render in French with no English left of what is marked for translation:
the catalog check proves each marked string has a French translation, this proves the pages use it
(no text translated too early, at import, in the portal's language)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

from apps.notifications.models import NotificationSettings
from tests.dashboards import builders
from tests.factories import Network
from tests.portal.test_translations import SCANNER_PENDING

pytestmark = pytest.mark.django_db

# Words another area shows on these pages, while that area is still being marked (an incident's
# status "In Odoo" on the store dashboard): allowed only as long as the area is pending.
FROM_PENDING_AREAS = {"incidents": {"In Odoo"}}
# Hidden from a reader, or recorded words (the audit trail keeps what was written when it happened).
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>|<tbody data-recorded>.*?</tbody>|<[^>]*>", re.S | re.I)


def english_sentences() -> set[str]:
    """Marked strings of several words whose French differs, without placeholders: any of them on a
    French page is English a person reads."""
    with (Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    return {message.id for message in catalog
            if isinstance(message.id, str) and message.id and isinstance(message.string, str)
            and message.string != message.id and " " in message.id and "%" not in message.id
            and "{" not in message.id and "<" not in message.id}


def visible_text(page: str) -> str:
    return " ".join(html.unescape(_HIDDEN.sub(" ", page)).split())


def in_french(person: object) -> Client:
    NotificationSettings.objects.update_or_create(user=person, defaults={"language": "fr"})
    client = Client(HTTP_ACCEPT_LANGUAGE="en-GB")  # the person's choice wins over the browser's
    client.force_login(person)  # type: ignore[arg-type]
    return client


PAGES = {
    "manager_a": ["/", "/store/", "/dashboards/store/N01/", "/notifications/", "/notifications/preferences/"],
    "regional_north": ["/", "/dashboards/region/NORTH/", "/approvals/", "/approvals/?show=decided",
                       "/dashboards/store/N01/"],
    "hq": ["/", "/dashboards/hq/", "/audit/", "/approvals/", "/notifications/"],
    "ops": ["/dashboards/hq/", "/audit/"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_of_every_role_read_in_french(network: Network, role: str) -> None:
    builders.mixed([network.store_a, network.store_b, network.store_c], 2)
    builders.approval(network.store_a, reference="PO-FR-1")
    english = english_sentences()
    assert len(english) > 100
    for area in SCANNER_PENDING:
        english -= FROM_PENDING_AREAS.get(area, set())
    client = in_french(getattr(network, role))
    for path in PAGES[role]:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert '<html lang="fr">' in page, path
        text = visible_text(page)
        left = sorted(sentence for sentence in english if sentence in text)
        assert not left, f"{role} {path}: English on a French page: {left}"


def test_a_fragment_swapped_in_by_htmx_is_french_too(network: Network) -> None:
    builders.mixed([network.store_a], 2)
    client = in_french(network.manager_a)
    panel = client.get("/dashboards/store/N01/panels/summary/", HTTP_HX_REQUEST="true").content.decode()
    assert "En un coup d\u2019œil" in panel
    assert "At a glance" not in panel


def test_a_refused_action_explains_itself_in_french(network: Network) -> None:
    client = in_french(network.hq)
    page = client.get("/dashboards/region/NOWHERE/").content.decode()
    assert "Introuvable" in page or "Accès refusé" in page
