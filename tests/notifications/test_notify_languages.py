"""Notifications are written in each recipient's language and zone: one batch, several languages."""

from __future__ import annotations

import pytest
from django.core import mail

from apps.approvals.models import OdooUserLink
from apps.events.types import ApprovalsArrived
from apps.notifications.models import Channel, Notification, NotificationKind, NotificationSettings
from apps.notifications.subscribers import approvals_arrived
from tests.dashboards import builders
from tests.factories import Network

pytestmark = pytest.mark.django_db


def test_one_batch_tells_each_decider_in_their_own_language(network: Network,
                                                            django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    network.regional_north.email, network.regional_south.email = "north@example.com", "south@example.com"
    network.regional_north.save()
    network.regional_south.save()
    NotificationSettings.objects.create(user=network.regional_north, language="fr", time_zone="America/New_York",
                                        channels={NotificationKind.APPROVAL_ASSIGNED: Channel.BOTH})
    OdooUserLink.objects.create(user=network.regional_south, odoo_user_id=9, odoo_lang="es_ES")
    NotificationSettings.objects.create(user=network.regional_south,
                                        channels={NotificationKind.APPROVAL_ASSIGNED: Channel.BOTH})
    one, two = builders.approval(network.store_a, reference="P1"), builders.approval(network.store_b, reference="P2")
    south = builders.approval(network.store_c, reference="P3")
    with django_capture_on_commit_callbacks(execute=True):
        approvals_arrived([ApprovalsArrived(requests=(one, two, south))])
    north = Notification.objects.get(user=network.regional_north)
    assert north.subject == "2 nouvelles validations pour vous"
    assert f"{one} (N01), échéance" in north.body
    south_subject = Notification.objects.get(user=network.regional_south).subject
    assert south_subject == f"Nueva aprobación para usted: {south} (S01)"
    assert sorted(message.subject for message in mail.outbox) == [
        "2 nouvelles validations pour vous", f"Nueva aprobación para usted: {south} (S01)"]
    assert "Plazo:" in next(m.body for m in mail.outbox if m.to == ["south@example.com"])


def test_without_a_language_of_their_own_people_read_the_portals(network: Network) -> None:
    request = builders.approval(network.store_c, reference="P9")
    approvals_arrived([ApprovalsArrived(requests=(request,))])
    assert Notification.objects.get(user=network.regional_south).subject == f"New approval for you: {request} (S01)"
