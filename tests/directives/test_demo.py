"""The demo seeds two directives with partial completion (and only once)."""

from __future__ import annotations

import pytest

from apps.directives.demo import demo_directives_seed
from apps.directives.models import CopyStatus, Directive, StoreDirective
from apps.organisation.demo import demo_network_seed

pytestmark = pytest.mark.django_db


def test_the_demo_has_directives_partly_done() -> None:
    demo_network_seed(password_for=lambda username: "demo-pass-123")
    seeded = demo_directives_seed()
    assert seeded.created
    assert Directive.objects.count() == 2
    statuses = set(StoreDirective.objects.values_list("status", flat=True))
    assert {CopyStatus.APPROVED, CopyStatus.NOT_STARTED, CopyStatus.IN_PROGRESS, CopyStatus.RETURNED,
            CopyStatus.IN_REVIEW} <= statuses
    assert 0 < seeded.approved < StoreDirective.objects.count()
    assert not demo_directives_seed().created
