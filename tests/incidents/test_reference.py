"""Incident references are random: a collision draws a fresh one instead of failing the report."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.urls import reverse

from apps.incidents import models as incident_models
from apps.incidents.models import StoreIncident
from tests.factories import Network
from tests.incidents.conftest import client_for

pytestmark = pytest.mark.django_db


def report(network: Network, title: str) -> dict[str, object]:
    return {"store": network.store_a.pk, "title": title, "description": "Reading -8C since 7am.",
            "category": "refrigeration", "urgency": "high"}


def test_it_draws_a_new_reference_when_the_random_one_is_taken(network: Network,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The first report gets CT-AAAAAAAA; the second draws CT-AAAAAAAA again (a collision), then CT-BBBBBBBB.
    letters = itertools.chain("A" * 16, itertools.repeat("B"))
    monkeypatch.setattr(incident_models, "secrets", SimpleNamespace(choice=lambda _alphabet: next(letters)))
    client = client_for(network.manager_a)
    first = client.post(reverse("incidents:new"), report(network, "Freezer aisle 4 warm"))
    second = client.post(reverse("incidents:new"), report(network, "Chiller door broken"))
    assert first.status_code == 302
    assert second.status_code == 302
    assert dict(StoreIncident.objects.values_list("title", "reference")) == {
        "Freezer aisle 4 warm": "CT-AAAAAAAA", "Chiller door broken": "CT-BBBBBBBB"}
