"""Deadlines: reminders, overdue notices, HQ escalation, one launch exception per unready store whose
severity rises as the launch nears, closed only by the region's approval; the outbound events."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import translation

from apps.directives.models import StoreDirective
from apps.directives.services.checklists import copy_approve_all
from apps.directives.services.followup import EXCEPTION_MODEL, directives_followup
from apps.notifications.models import Notification
from apps.operations.models import ExceptionStatus, OpsException, Severity
from apps.operations.services import ExceptionStateConflict, exception_resolve, exception_snooze
from apps.webhooks.models import WebhookEvent, WebhookSubscription
from tests.directives.conftest import complete, copy_of, publish, tomorrow
from tests.factories import Network

pytestmark = pytest.mark.django_db


def launch_exceptions() -> list[OpsException]:
    return list(OpsException.objects.filter(kind="directive_overdue", odoo_model=EXCEPTION_MODEL).order_by("store"))


def test_past_its_launch_a_directive_opens_one_exception_per_unready_store_closed_by_the_regions_approval(
        network: Network) -> None:
    directive = publish(network.hq, due_on=tomorrow(), due_time=time(9, 0), launch_on=tomorrow(),
                        launch_time=time(12, 0))
    ready = complete(copy_of(directive, network.store_a), network.manager_a)
    copy_approve_all(copy=ready, actor=network.regional_north)
    due = copy_of(directive, network.store_b).due_at
    launch = copy_of(directive, network.store_b).launch_at
    assert launch is not None
    assert directives_followup(now=due - timedelta(minutes=1)).exceptions_opened == 0
    run = directives_followup(now=due + timedelta(hours=1))  # 2 h before the launch
    assert run.exceptions_opened == 3
    assert {e.store.code for e in launch_exceptions()} == {"N02", "S01", "S02"}
    assert {e.severity for e in launch_exceptions()} == {Severity.HIGH}
    later = directives_followup(now=launch + timedelta(minutes=1))  # the launch has passed
    assert later.exceptions_opened == 0
    assert later.exceptions_raised == 3
    assert {e.severity for e in launch_exceptions()} == {Severity.CRITICAL}
    exception_b = next(e for e in launch_exceptions() if e.store == network.store_b)
    with pytest.raises(ExceptionStateConflict, match="approves"):
        exception_resolve(exception=exception_b, actor=network.regional_north, note="done, trust me")
    with pytest.raises(ExceptionStateConflict):
        exception_snooze(exception=exception_b, actor=network.regional_north, until=launch + timedelta(days=1),
                         reason="later")
    copy_b = complete(copy_of(directive, network.store_b), network.regional_north)
    exception_b.refresh_from_db()
    assert exception_b.status == ExceptionStatus.OPEN  # submitted is not enough: the region approves
    copy_approve_all(copy=copy_b, actor=network.regional_north)
    exception_b.refresh_from_db()
    assert exception_b.status == ExceptionStatus.RESOLVED
    assert exception_b.events.filter(action="resolved", actor=network.regional_north).exists()
    assert [e.status for e in launch_exceptions() if e.store != network.store_b] == [ExceptionStatus.OPEN] * 2
    assert directives_followup(now=launch + timedelta(hours=2)).exceptions_opened == 0


def test_it_reminds_the_store_then_tells_the_region_then_hq_each_once(network: Network) -> None:
    subscription = WebhookSubscription.objects.create(name="ops", url="https://hooks.example.com/x",
                                                      events=["directive.overdue", "directive.published",
                                                              "directive.store_completed"], secret="s" * 32)
    directive = publish(network.hq, due_on=tomorrow(), due_time=time(9, 0))
    assert WebhookEvent.objects.filter(event_type="directive.published").count() == 1
    due = copy_of(directive, network.store_a).due_at
    assert directives_followup(now=due - timedelta(hours=1)).reminded == 4
    assert directives_followup(now=due - timedelta(minutes=30)).reminded == 0
    assert Notification.objects.filter(user=network.manager_a, subject__startswith="Reminder").count() == 1
    assert not Notification.objects.filter(user=network.manager_c, subject__contains="N01").exists()
    assert directives_followup(now=due + timedelta(minutes=1)).overdue == 4
    assert Notification.objects.filter(user=network.regional_north, subject__startswith="Overdue").count() == 2
    assert Notification.objects.filter(user=network.regional_south, subject__startswith="Overdue").count() == 2
    assert WebhookEvent.objects.filter(event_type="directive.overdue").count() == 4
    assert directives_followup(now=due + timedelta(hours=5)).escalated == 4
    assert directives_followup(now=due + timedelta(hours=6)).escalated == 0
    assert Notification.objects.filter(user=network.hq, subject__startswith="Escalated").count() == 4
    copy = complete(copy_of(directive, network.store_c), network.manager_c)
    copy_approve_all(copy=copy, actor=network.regional_south)
    [completed] = WebhookEvent.objects.filter(event_type="directive.store_completed")
    assert completed.store == network.store_c
    assert completed.payload["copy"]["on_time"] is True  # submitted before its due time (tomorrow)
    assert subscription.deliveries.count() == 6
    assert StoreDirective.objects.filter(directive=directive, status="approved").count() == 1


def test_the_exception_page_points_at_the_store_checklist_instead_of_resolving(network: Network) -> None:
    from django.urls import reverse

    from tests.directives.conftest import client_for

    directive = publish(network.hq, due_on=tomorrow(), due_time=time(9, 0), launch_on=tomorrow(),
                        launch_time=time(12, 0))
    copy = copy_of(directive, network.store_a)
    directives_followup(now=copy.due_at + timedelta(minutes=5))
    exception = OpsException.objects.get(kind="directive_overdue", store=network.store_a)
    page = client_for(network.manager_a).get(reverse("operations:detail", args=[exception.pk])).content.decode()
    assert reverse("directives:copy", args=[copy.pk]) in page
    assert "closes when the region approves" in page
    assert reverse("operations:resolve", args=[exception.pk]) not in page


@pytest.mark.usefixtures("compiled_catalogs")
def test_a_launch_exception_and_its_escalation_note_are_read_in_the_reader_s_language(network: Network) -> None:
    directive = publish(network.hq, due_on=tomorrow(), due_time=time(9, 0), launch_on=tomorrow(),
                        launch_time=time(12, 0))
    copy = copy_of(directive, network.store_b)
    assert copy.launch_at is not None
    directives_followup(now=copy.due_at + timedelta(hours=1))
    directives_followup(now=copy.launch_at + timedelta(minutes=1))
    exception = next(e for e in launch_exceptions() if e.store == network.store_b)
    raised = exception.events.get(action="escalated")
    assert (exception.title, raised.note) == (f"{directive.title}: not ready", "Launch approaching")  # English kept
    assert exception.detail.startswith("Launch ")
    assert exception.detail.endswith(" store time; Not started")
    with translation.override("fr"):
        assert exception.title_text == f"{directive.title} : pas prêt"
        assert exception.detail_text.startswith("Lancement ")
        assert exception.detail_text.endswith(" heure du magasin ; Pas commencée")
        assert raised.note_text == "Lancement imminent"
    with translation.override("es"):
        assert raised.note_text == "Lanzamiento próximo"
