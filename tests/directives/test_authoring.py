"""Drafting, targeting, publishing, editing before a store started, cancelling, and scheduled templates."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.directives.models import CopyStatus, DirectiveStatus, DirectiveTemplate, StoreDirective, TargetMode
from apps.directives.services import (
    DirectiveRefused,
    directive_cancel,
    directive_create,
    directive_edit,
    directive_publish,
    templates_run,
)
from apps.directives.services.checklists import Answer, item_answer
from tests.directives.conftest import copy_of, draft, publish, tomorrow
from tests.factories import Network

pytestmark = pytest.mark.django_db


def test_it_publishes_one_copy_per_store_due_in_each_stores_own_time_zone(network: Network) -> None:
    network.store_c.timezone = "Europe/Athens"
    network.store_c.save()
    directive = publish(network.hq, due_time=time(9, 0))
    copies = {c.store.code: c for c in StoreDirective.objects.filter(directive=directive).select_related("store")}
    assert sorted(copies) == ["N01", "N02", "S01", "S02"]
    london, athens = copies["N01"].due_at, copies["S01"].due_at
    assert timezone.localtime(london, timezone=london.tzinfo).hour == 9
    assert (london - athens) == timedelta(hours=2)  # 09:00 in Athens comes two hours before 09:00 in London
    assert directive.status == DirectiveStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="directive.published").count() == 1


def test_it_targets_regions_or_a_store_list(network: Network) -> None:
    south = publish(network.hq, target_mode=TargetMode.REGIONS, regions=[network.south])
    assert set(south.copies.values_list("store__code", flat=True)) == {"S01", "S02"}
    listed = publish(network.hq, target_mode=TargetMode.STORES, stores=[network.store_b])
    assert list(listed.copies.values_list("store__code", flat=True)) == ["N02"]


def test_a_regional_manager_sends_only_to_their_own_region(network: Network) -> None:
    mine = publish(network.regional_north, owner_region=network.north)
    assert set(mine.copies.values_list("store__code", flat=True)) == {"N01", "N02"}
    with pytest.raises(ValidationError, match="own region"):
        directive_create(author=network.regional_north, draft=draft(
            owner_region=network.north, target_mode=TargetMode.STORES, stores=[network.store_c]))
    with pytest.raises(PermissionDenied):
        directive_create(author=network.regional_north, draft=draft(owner_region=network.south))
    with pytest.raises(PermissionDenied):
        directive_create(author=network.regional_north, draft=draft())  # the network is HQ's
    with pytest.raises(PermissionDenied):
        directive_create(author=network.manager_a, draft=draft(owner_region=network.north))


def test_it_keeps_instructions_sanitised(network: Network) -> None:
    directive = directive_create(author=network.hq, draft=draft(
        instructions='<p onclick="x()">Build it</p><script>alert(1)</script><a href="javascript:x()">go</a>'
                     '<a href="https://example.com/planogram">planogram</a>'))
    assert "script" not in directive.instructions
    assert "onclick" not in directive.instructions
    assert "javascript" not in directive.instructions
    assert directive.instructions.startswith("<p>Build it</p>")
    assert 'href="https://example.com/planogram"' in directive.instructions


def test_it_refuses_a_draft_without_items_or_with_a_launch_before_the_due_time(network: Network) -> None:
    with pytest.raises(ValidationError) as problem:
        directive_create(author=network.hq, draft=draft(items=[], title=" ", launch_on=tomorrow(),
                                                        launch_time=time(8, 0)))
    assert set(problem.value.message_dict) == {"items", "title", "launch_on"}


def test_it_edits_before_any_store_started_and_refuses_after(network: Network) -> None:
    directive = publish(network.hq)
    directive_edit(directive=directive, actor=network.hq, draft=draft(title="Spring promotion (v2)",
                                                                       due_time=time(11, 0)))
    copy = copy_of(directive, network.store_a)
    assert timezone.localtime(copy.due_at).hour == 11
    item = directive.items.first()
    assert item is not None
    item_answer(copy=copy, item=item, actor=network.manager_a, answer=Answer(value="yes"))
    with pytest.raises(DirectiveRefused, match="started"):
        directive_edit(directive=directive, actor=network.hq, draft=draft(title="v3"))
    assert AuditEvent.objects.filter(action="directive.edited").count() == 1


def test_publishing_twice_publishes_once(network: Network) -> None:
    directive = publish(network.hq)
    with pytest.raises(DirectiveRefused):
        directive_publish(directive=directive, actor=network.hq)
    assert StoreDirective.objects.filter(directive=directive).count() == 4


def test_cancelling_cancels_every_open_copy(network: Network) -> None:
    directive = publish(network.hq)
    directive_cancel(directive=directive, actor=network.hq)
    assert set(directive.copies.values_list("status", flat=True)) == {CopyStatus.CANCELLED}
    with pytest.raises(PermissionDenied):
        directive_cancel(directive=publish(network.hq), actor=network.regional_north)


def test_a_template_publishes_the_days_directive_once(network: Network) -> None:
    template = DirectiveTemplate.objects.create(name="Opening checklist", title="Opening checklist",
                                                items=[{"label": "Doors open", "kind": "yes_no"},
                                                       {"label": "Tills counted", "kind": "number"}])
    made = templates_run()
    again = templates_run()
    assert len(made) == 1
    assert again == []
    directive = made[0]
    assert directive.template == template
    assert directive.status == DirectiveStatus.PUBLISHED
    assert directive.copies.count() == 4
    assert list(directive.items.values_list("kind", flat=True)) == ["yes_no", "number"]
    weekly = DirectiveTemplate.objects.create(name="Hygiene audit", title="Hygiene audit", schedule="weekly",
                                              weekday=(timezone.localdate().weekday() + 1) % 7,
                                              items=[{"label": "Fridges clean", "kind": "photo"}])
    assert templates_run() == []  # not its weekday today, and the daily one already ran
    tomorrow_runs = templates_run(today=timezone.localdate() + timedelta(days=1))
    assert {d.template for d in tomorrow_runs} == {template, weekly}
