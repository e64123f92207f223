"""The admin's replay action: dead rows are queued again, rows that may not be replayed are named in a
warning, and the count says how many went (the shared `each_apply` of admin actions)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client

from apps.writeback.models import WriteBack, WriteBackStatus
from apps.writeback.services import writeback_enqueue
from tests.factories import Network

pytestmark = pytest.mark.django_db


def row(network: Network, key: str, status: str) -> WriteBack:
    writeback = writeback_enqueue(kind="test.note", idempotency_key=key, odoo_model="purchase.order", odoo_id=1,
                                  payload={}, store=network.store_a, created_by=network.regional_north)
    WriteBack.objects.filter(pk=writeback.pk).update(status=status)
    return writeback


def test_it_replays_the_dead_and_names_the_refused(network: Network) -> None:
    dead, applied = row(network, "wb-dead", WriteBackStatus.DEAD), row(network, "wb-done", WriteBackStatus.APPLIED)
    admin_user = get_user_model().objects.create_superuser("portal-admin")
    client = Client()
    client.force_login(admin_user)
    response = client.post("/admin/writeback/writeback/",
                           {"action": "replay", "_selected_action": [dead.pk, applied.pk]}, follow=True)
    assert response.status_code == 200
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert "1 write-back(s) queued again." in texts
    assert any("[Applied in Odoo]: Only failed" in text for text in texts), texts
    dead.refresh_from_db()
    applied.refresh_from_db()
    assert dead.status == WriteBackStatus.QUEUED
    assert applied.status == WriteBackStatus.APPLIED
