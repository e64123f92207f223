"""One-click unsubscribe from the morning digest: a link signed per person and kind of e-mail, no
sign-in; GET asks, POST (the page's button or the mail client's RFC 8058 one-click) unsubscribes that
person from that e-mail only; an altered or expired link is refused with a clear message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail, signing
from django.test import Client

from apps.notifications.digest import digests_send
from apps.notifications.models import Channel, NotificationKind, NotificationSettings
from apps.notifications.unsubscribe import SALT, unsubscribe_url
from tests.dashboards import builders
from tests.factories import Network

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 12, 7, 7, 40, tzinfo=UTC)


@pytest.fixture
def people(network: Network, settings) -> Network:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/London"
    for user in (network.regional_north, network.regional_south, network.manager_a):
        user.email = f"{user.username}@example.com"
        user.save()
    builders.approval(network.store_a, reference="PO-LATE", requested_ago=timedelta(hours=30), now=MORNING)
    builders.approval(network.store_c, reference="PO-SOUTH", requested_ago=timedelta(hours=2), now=MORNING)
    return network


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]  # the link is absolute (CT_SITE_URL); the test client takes the path


def digest_on(user: object) -> bool:
    chosen = NotificationSettings.objects.filter(user=user).first()
    return chosen is None or chosen.digest


def test_the_digest_carries_the_link_and_the_one_click_headers(people: Network) -> None:
    assert digests_send(now=MORNING) == 3
    [message] = [m for m in mail.outbox if m.to == ["regional_north@example.com"]]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.startswith("http")
    assert "/notifications/unsubscribe/" in url
    assert url in message.body
    assert message.message()["List-Unsubscribe"].replace("\n", "").replace(" ", "") == f"<{url}>"
    other = next(m for m in mail.outbox if m.to == ["regional_south@example.com"])
    assert other.extra_headers["List-Unsubscribe"] != message.extra_headers["List-Unsubscribe"]


def test_a_valid_link_asks_then_unsubscribes_that_person_only(people: Network) -> None:
    url = path_of(unsubscribe_url(people.regional_north, "digest"))
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert "regional_north@example.com" in page.content.decode()
    assert "the morning digest" in page.content.decode()
    assert digest_on(people.regional_north)  # a link scanner's GET changes nothing

    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})  # as a mail client posts it, no session
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert not digest_on(people.regional_north)
    assert digest_on(people.regional_south)
    assert digest_on(people.manager_a)
    assert anonymous.post(url).status_code == 200  # a second click is harmless

    assert digests_send(now=MORNING) == 2
    assert not [m for m in mail.outbox if m.to == ["regional_north@example.com"]]


def test_a_notification_kinds_link_keeps_it_in_the_portal(people: Network) -> None:
    url = path_of(unsubscribe_url(people.regional_north, NotificationKind.ESCALATION))
    assert Client().post(url).status_code == 200
    chosen = NotificationSettings.objects.get(user=people.regional_north)
    assert chosen.channel(NotificationKind.ESCALATION) == Channel.PORTAL
    assert chosen.channel(NotificationKind.APPROVAL_REMINDER) == Channel.BOTH
    assert chosen.digest


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused(people: Network, method: str) -> None:
    url = path_of(unsubscribe_url(people.regional_north, "digest"))
    token = url.rstrip("/").rsplit("/", 1)[1]
    payload, signature = token.rsplit(":", 1)
    tampered = f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}"
    forged = signing.dumps({"u": people.regional_south.pk, "k": "digest"}, salt="another purpose")
    for bad in (tampered, forged, "nonsense"):
        response = getattr(Client(), method)(f"/notifications/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert digest_on(people.regional_north)
    assert digest_on(people.regional_south)


def test_an_expired_link_is_refused(people: Network, monkeypatch: pytest.MonkeyPatch) -> None:
    old = signing.b62_encode(int((datetime.now(UTC) - timedelta(days=61)).timestamp()))
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: old)
    token = signing.dumps({"u": people.regional_north.pk, "k": "digest"}, salt=SALT)
    monkeypatch.undo()
    response = Client().post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.content.decode()
    assert digest_on(people.regional_north)


def test_a_link_for_a_deactivated_account_is_refused(people: Network) -> None:
    url = path_of(unsubscribe_url(people.regional_north, "digest"))
    people.regional_north.is_active = False
    people.regional_north.save()
    assert Client().get(url).status_code == 400
