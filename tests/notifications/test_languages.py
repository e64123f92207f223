"""A notice sent to several people reaches each in their own language: the in-portal notification and
the e-mail (one e-mail per language), with their Odoo user's language when they chose none."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.approvals.models import ApprovalRequest, OdooUserLink
from apps.approvals.services.deadlines import approvals_deadlines_check
from apps.approvals.services.overrides import request_escalate
from apps.audit.models import AuditEvent
from apps.events.types import IncidentStatusChanged
from apps.incidents.models import IncidentStatus
from apps.notifications.models import Channel, Notification, NotificationKind, NotificationSettings
from apps.notifications.services import notify
from apps.notifications.subscribers import incident_status_changed
from apps.notifications.wording import Words
from tests.dashboards import builders
from tests.factories import Network
from tests.languages import speaks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogs")]


def subject_of(user: object) -> str:
    return Notification.objects.get(user=user).subject


def test_each_recipient_reads_the_same_notice_in_their_language(network: Network,
                                                                 django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    for user, address in ((network.hq, "hq@example.com"), (network.ops, "ops@example.com"),
                          (network.regional_north, "rn@example.com"), (network.regional_south, "rs@example.com")):
        user.email = address
        user.save()
    speaks(network.hq, "fr")
    speaks(network.ops, "es")
    NotificationSettings.objects.filter(user__in=[network.hq, network.ops]).update(
        channels={NotificationKind.ESCALATION: Channel.BOTH})
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=NotificationKind.ESCALATION,
               recipients=[network.hq, network.ops, network.regional_north, network.regional_south],
               subject=Words(gettext_lazy("Escalated to you: %(request)s (%(store)s)"), request="P100", store="N01"),
               body=Words(gettext_lazy("Deadline %(when)s. Policy: %(policy)s."), when="12:00", policy="P1"))
    assert subject_of(network.hq) == "Remontée vers vous : P100 (N01)"
    assert subject_of(network.ops) == "Escalada a usted: P100 (N01)"
    assert subject_of(network.regional_north) == "Escalated to you: P100 (N01)"
    assert Notification.objects.get(user=network.ops).body == "Plazo 12:00. Política: P1."
    by_address = {address: message for message in mail.outbox for address in message.to}
    assert by_address["hq@example.com"].subject == "Remontée vers vous : P100 (N01)"
    assert by_address["ops@example.com"].body.startswith("Plazo 12:00. Política: P1.")
    english = by_address["rn@example.com"]
    assert english.subject == "Escalated to you: P100 (N01)"
    assert sorted(english.to) == ["rn@example.com", "rs@example.com"]  # one e-mail per language
    assert len(mail.outbox) == 3


def test_an_escalation_is_written_in_the_deciders_language(network: Network) -> None:
    speaks(network.hq, "es")
    request = builders.approval(network.store_a, reference="P100", requested_ago=timedelta(hours=30))
    request_escalate(request=request, actor=None, reason="Tier 1 deadline passed without a decision.")
    assert subject_of(network.hq) == f"Escalada a usted: {request} (N01)"


def test_without_a_choice_the_odoo_users_language_is_used(network: Network) -> None:
    OdooUserLink.objects.create(user=network.manager_a, odoo_user_id=42, odoo_login="marie", odoo_lang="fr_FR")
    incident = builders.incident(network.store_a, title="Congélateur 3", status=IncidentStatus.IN_PROGRESS,
                                 reference="CT-LANG0001")
    incident_status_changed([IncidentStatusChanged(incident=incident, from_status=IncidentStatus.IN_ODOO)])
    note = Notification.objects.get(user=network.manager_a)
    assert note.subject == "CT-LANG0001 est maintenant en cours : Congélateur 3"
    assert note.body == "Statut changé dans Odoo : de « dans Odoo » à « en cours »."


def test_an_escalation_at_its_deadline_gives_its_reason_in_the_deciders_language(network: Network) -> None:
    speaks(network.hq, "fr")
    request = builders.approval(network.store_a, reference="P101", requested_ago=timedelta(hours=30))
    ApprovalRequest.objects.filter(pk=request.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert approvals_deadlines_check().escalated == 1
    note = Notification.objects.get(user=network.hq, kind=NotificationKind.ESCALATION)
    assert note.body == "Échéance du niveau 1 dépassée sans décision."
    assert AuditEvent.objects.get(action="approval.escalated").message == "Tier 1 deadline passed without a decision."
