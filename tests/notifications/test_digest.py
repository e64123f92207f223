"""The morning digest: sent once per person per local day from CT_DIGEST_TIME in their time zone (else
the portal's), with their open approvals by deadline, what is overdue and what breached yesterday, in
their scope only; never to someone who unsubscribed; an empty morning sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from apps.notifications.digest import digests_send
from apps.notifications.models import NotificationSettings
from apps.notifications.tasks import send_digests
from tests.dashboards import builders
from tests.factories import Network

pytestmark = pytest.mark.django_db
# 07:40 in London (winter: UTC), 16:40 in Tokyo.
MORNING = datetime(2026, 12, 7, 7, 40, tzinfo=UTC)


@pytest.fixture
def people(network: Network, settings) -> Network:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/London"
    for user in (network.regional_north, network.regional_south, network.manager_a):
        user.email = f"{user.username}@example.com"
        user.save()
    return network


def work(network: Network) -> None:
    builders.approval(network.store_a, reference="PO-LATE", requested_ago=timedelta(hours=30), now=MORNING)
    builders.approval(network.store_b, reference="PO-SOON", requested_ago=timedelta(hours=2), now=MORNING)
    builders.approval(network.store_c, reference="PO-SOUTH", requested_ago=timedelta(hours=2), now=MORNING)
    # Due yesterday at 12:00, decided at 15:00: a breach.
    builders.approval(network.store_a, reference="PO-BREACHED", requested_ago=timedelta(hours=43, minutes=40),
                      decided_after=timedelta(hours=27), now=MORNING)
    builders.incident(network.store_a, title="Freezer warm", created_ago=timedelta(hours=30), now=MORNING)


def to(address: str) -> list[str]:
    return [message.body for message in mail.outbox if message.to == [address]]


def test_it_sends_each_morning_once_with_the_persons_work(people: Network) -> None:
    work(people)
    assert digests_send(now=MORNING - timedelta(minutes=20)) == 0  # 07:20: not yet
    assert digests_send(now=MORNING) == 3  # both regional managers and store A's manager
    body = to("regional_north@example.com")[0]
    assert body.index("PO-LATE") < body.index("PO-SOON")  # by deadline
    assert "Open approvals for you, by deadline (2)" in body
    assert "Overdue approvals (1)" in body
    assert "Overdue incidents (1)" in body
    assert "Approvals breached yesterday (1)" in body
    assert "PO-BREACHED" in body
    assert "PO-SOUTH" not in body
    assert "/notifications/preferences/" in body
    store = to("manager_a@example.com")[0]
    assert "Open approvals for you" not in store  # a store manager does not decide
    assert "PO-LATE" in store
    assert "PO-SOON" not in store  # store B is not theirs
    assert digests_send(now=MORNING + timedelta(hours=1)) == 0
    assert digests_send(now=MORNING + timedelta(days=1)) == 3


def test_the_south_has_its_own_digest(people: Network) -> None:
    work(people)
    digests_send(now=MORNING)
    south = to("regional_south@example.com")
    assert len(south) == 1
    assert "PO-SOUTH" in south[0]
    assert "PO-LATE" not in south[0]


def test_it_follows_the_persons_time_zone(people: Network) -> None:
    work(people)
    NotificationSettings.objects.create(user=people.regional_north, time_zone="Asia/Tokyo")
    before_london_morning = MORNING - timedelta(hours=2)  # 05:40 London, 14:40 Tokyo
    digests_send(now=before_london_morning)
    assert [message.to for message in mail.outbox] == [["regional_north@example.com"]]
    assert "Times are in Asia/Tokyo" in mail.outbox[0].body


def test_an_unsubscribed_person_gets_none_and_an_empty_morning_sends_nothing(people: Network) -> None:
    NotificationSettings.objects.create(user=people.regional_north, digest=False)
    work(people)
    digests_send(now=MORNING)
    assert to("regional_north@example.com") == []
    mail.outbox.clear()
    NotificationSettings.objects.filter(user=people.regional_north).update(digest=True)
    from apps.approvals.models import ApprovalRequest
    from apps.incidents.models import StoreIncident

    ApprovalRequest.objects.all().delete()
    StoreIncident.objects.all().delete()
    assert digests_send(now=MORNING) == 0
    assert mail.outbox == []


def test_beat_runs_it(people: Network) -> None:
    from controltower.celery import collected_beat_schedule

    assert collected_beat_schedule()["notifications-send-digests"]["task"] == send_digests.name
    send_digests.apply()  # now: whatever the clock says; it must simply run
