"""The notification centre's doors (bell, centre page and fragment, open, mark read, mark all read,
preferences) as anonymous, another person and the right person; a notification about a store leaves
the centre with the person's role on that store."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.notifications.models import Channel, Notification, NotificationKind, NotificationSettings
from apps.notifications.services import notify
from apps.organisation.models import RoleGrant
from apps.organisation.services import role_revoke
from tests.factories import Network

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def escalated(network: Network, subject: str = "Escalated to you: P100 (N01)") -> Notification:
    notes = notify(kind=NotificationKind.ESCALATION, recipients=[network.regional_north], subject=subject,
                   body="Tier 1 deadline passed.", link="/approvals/", store=network.store_a)
    return notes[0]


def test_anonymous_is_sent_to_sign_in_from_every_door(network: Network) -> None:
    note = escalated(network)
    client = Client()
    for method, url in [("get", "/notifications/"), ("get", "/notifications/bell/"),
                        ("get", "/notifications/dropdown/"),
                        ("get", f"/notifications/{note.pk}/"), ("post", f"/notifications/{note.pk}/read/"),
                        ("post", "/notifications/read-all/"), ("get", "/notifications/preferences/"),
                        ("post", "/notifications/preferences/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
    note.refresh_from_db()
    assert note.read_at is None


def test_the_bell_counts_only_my_unread_notifications(network: Network) -> None:
    escalated(network)
    escalated(network, "Second")
    mine = signed_in(network.regional_north).get("/notifications/bell/").content.decode()
    assert 'data-unread="2"' in mine
    assert 'data-live-topics="notifications"' in mine
    assert 'data-unread="0"' in signed_in(network.regional_south).get("/notifications/bell/").content.decode()


def test_the_centre_lists_mine_newest_first_with_links(network: Network) -> None:
    first, second = escalated(network, "First"), escalated(network, "Second")
    page = signed_in(network.regional_north).get("/notifications/").content.decode()
    assert page.index("Second") < page.index("First")
    assert f'href="/notifications/{second.pk}/"' in page
    assert "2 unread" in page
    fragment = signed_in(network.regional_north).get("/notifications/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<section class="card notification-panel"')
    other = signed_in(network.regional_south).get("/notifications/").content.decode()
    assert "First" not in other
    assert f"/notifications/{first.pk}/" not in other


def test_opening_one_marks_it_read_and_follows_its_link(network: Network) -> None:
    note = escalated(network)
    assert signed_in(network.regional_south).get(f"/notifications/{note.pk}/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    response = signed_in(network.regional_north).get(f"/notifications/{note.pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/approvals/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_outside_the_portal_is_never_followed(network: Network) -> None:
    note = notify(kind=NotificationKind.ESCALATION, recipients=[network.hq], subject="x",
                  link="//evil.example/phish")[0]
    response = signed_in(network.hq).get(f"/notifications/{note.pk}/")
    assert response["Location"] == "/notifications/"


def test_mark_read_and_mark_all_read_touch_only_my_notifications(network: Network) -> None:
    one, two = escalated(network, "One"), escalated(network, "Two")
    theirs = notify(kind=NotificationKind.ESCALATION, recipients=[network.regional_south], subject="Theirs")[0]
    assert signed_in(network.regional_south).post(f"/notifications/{one.pk}/read/").status_code == 404
    north = signed_in(network.regional_north)
    fragment = north.post(f"/notifications/{one.pk}/read/", HTTP_HX_REQUEST="true").content.decode()
    assert "1 unread" in fragment
    assert north.post("/notifications/read-all/").status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {theirs.pk}
    assert two.pk not in set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
    assert north.get("/notifications/read/").status_code in (404, 405)
    assert north.get("/notifications/read-all/").status_code == 405


def test_a_revoked_role_takes_its_stores_notifications_with_it(network: Network) -> None:
    escalated(network)
    notify(kind=NotificationKind.ESCALATION, recipients=[network.regional_north], subject="Network-wide")
    role_revoke(grant=RoleGrant.objects.get(user=network.regional_north))
    client = signed_in(network.regional_north)
    assert 'data-unread="1"' in client.get("/notifications/bell/").content.decode()
    page = client.get("/notifications/").content.decode()
    assert "Network-wide" in page
    assert "Escalated to you" not in page


def test_preferences_save_per_kind_and_refuse_bad_input(network: Network) -> None:
    client = signed_in(network.manager_a)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="channel-escalation" value="both" aria-label="Escalations: Both" checked' in page
    form = {f"channel-{kind}": Channel.PORTAL for kind in NotificationKind.values}
    form |= {"channel-escalation": Channel.EMAIL, "time_zone": "Europe/Paris"}
    assert client.post("/notifications/preferences/", form).status_code == 302
    chosen = NotificationSettings.objects.get(user=network.manager_a)
    assert chosen.channel(NotificationKind.ESCALATION) == Channel.EMAIL
    assert chosen.digest is False  # the box was not ticked: unsubscribed
    assert chosen.time_zone == "Europe/Paris"
    bad = client.post("/notifications/preferences/", form | {"time_zone": "Mars/Olympus", "digest": "on"})
    assert bad.status_code == 400
    assert "&#x27;Mars/Olympus&#x27; is not a time zone name" in bad.content.decode()
    assert 'value="Mars/Olympus"' in bad.content.decode()
    chosen.refresh_from_db()
    assert chosen.time_zone == "Europe/Paris"
    assert chosen.digest is False
    assert client.post("/notifications/preferences/", form | {"channel-escalation": "pigeon"}).status_code == 400
    chosen.refresh_from_db()
    assert chosen.channel(NotificationKind.ESCALATION) == Channel.EMAIL
