"""The bell's dropdown fragment: the person's own newest notifications (at most eight, newest first),
mark read and mark all read answered with the dropdown itself and the bell's new count, the link to
all notifications; another person's and other stores' notifications never appear."""

from __future__ import annotations

import re

import pytest

from apps.notifications.models import Notification, NotificationKind
from apps.notifications.services import notify
from apps.organisation.models import RoleGrant
from apps.organisation.services import role_revoke
from tests.factories import Network
from tests.notifications.test_centre import escalated, signed_in

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def subjects(html: str) -> list[str]:
    return re.findall(r'<a href="/notifications/\d+/">([^<]+)</a>', html)


def test_it_lists_my_newest_eight_first_with_the_way_to_all(network: Network) -> None:
    for n in range(10):
        escalated(network, f"Escalation {n}")
    notify(kind=NotificationKind.ESCALATION, recipients=[network.regional_south], subject="Theirs")
    html = signed_in(network.regional_north).get("/notifications/dropdown/", **HTMX).content.decode()
    assert subjects(html) == [f"Escalation {n}" for n in range(9, 1, -1)]
    assert "10 unread" in html
    assert 'href="/notifications/"' in html  # All notifications
    assert 'id="notification-count"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'data-unread="10"' in html
    assert 'data-live-topics="notifications"' in html
    assert "Theirs" not in html


def test_mark_read_in_the_dropdown_answers_with_the_dropdown_and_the_new_count(network: Network) -> None:
    one, two = escalated(network, "One"), escalated(network, "Two")
    theirs = notify(kind=NotificationKind.ESCALATION, recipients=[network.regional_south], subject="Theirs")[0]
    north = signed_in(network.regional_north)
    assert north.post(f"/notifications/{theirs.pk}/read/", {"panel": "dropdown"}, **HTMX).status_code == 404
    html = north.post(f"/notifications/{one.pk}/read/", {"panel": "dropdown"}, **HTMX).content.decode()
    assert 'id="bell-panel"' in html
    assert "1 unread" in html
    assert 'data-unread="1"' in html
    assert f'data-note="{one.pk}"' in html
    html = north.post("/notifications/read-all/", {"panel": "dropdown"}, **HTMX).content.decode()
    assert 'id="bell-panel"' in html
    assert "All read" in html
    assert 'data-unread="0"' in html
    assert Notification.objects.filter(read_at__isnull=True).get() == theirs
    two.refresh_from_db()
    assert two.read_at is not None


def test_a_revoked_store_leaves_the_dropdown(network: Network) -> None:
    escalated(network)
    notify(kind=NotificationKind.ESCALATION, recipients=[network.regional_north], subject="Network-wide")
    role_revoke(grant=RoleGrant.objects.get(user=network.regional_north))
    html = signed_in(network.regional_north).get("/notifications/dropdown/", **HTMX).content.decode()
    assert subjects(html) == ["Network-wide"]
