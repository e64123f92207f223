"""Who is told of what arrives from Odoo, in a fixed number of queries per sync batch: new approvals
reach their deciders (one notification per person and batch), an incident's status change reaches the
store's managers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext_lazy

from apps.notifications.models import NotificationKind
from apps.notifications.services import Notice
from apps.notifications.wording import InSentence, Moment, Text, Words
from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role

if TYPE_CHECKING:
    from apps.approvals.models import ApprovalRequest
    from apps.incidents.models import StoreIncident

LISTED = 10


def _when(request: ApprovalRequest) -> Moment:
    return Moment(request.deadline, "d M H:i")


def arrived_notices(requests: Iterable[ApprovalRequest]) -> list[Notice]:
    """One notice per decider: the assignee, else every holder of the tier's role for the store (a
    regional manager of its region, or HQ)."""
    requests = sorted(requests, key=lambda request: (request.deadline, request.pk))
    grants = RoleGrant.objects.filter(role__in={r.required_role for r in requests}).values_list(
        "user_id", "role", "region_id")
    holders: dict[tuple[str, int | None], set[int]] = defaultdict(set)
    for user_id, role, region_id in grants:
        holders[(role, region_id if role == Role.REGIONAL_MANAGER else None)].add(user_id)
    wanted: dict[int, list[ApprovalRequest]] = defaultdict(list)
    for request in requests:
        if request.assignee_id is not None:
            deciders = {request.assignee_id}
        else:
            region = request.store.region_id if request.required_role == Role.REGIONAL_MANAGER else None
            deciders = holders[(request.required_role, region)]
        for user_id in deciders:
            wanted[user_id].append(request)
    people = get_user_model().objects.in_bulk(list(wanted))
    notices = []
    for user_id, mine in wanted.items():
        person = people.get(user_id)
        if person is None or not person.is_active:
            continue
        if len(mine) == 1:
            request = mine[0]
            notices.append(Notice(NotificationKind.APPROVAL_ASSIGNED, (person,),
                                  Words(gettext_lazy("New approval for you: %(request)s (%(store)s)"),
                                        request=str(request), store=request.store.code),
                                  Words(gettext_lazy("Deadline %(when)s."), when=_when(request)),
                                  reverse("approvals:detail", args=[request.pk]), request.store))
            continue
        lines: list[Text] = [Words(gettext_lazy("%(request)s (%(store)s), deadline %(when)s"), request=str(request),
                                   store=request.store.code, when=_when(request)) for request in mine[:LISTED]]
        if len(mine) > LISTED:
            lines.append(Words(gettext_lazy("and %(count)d more"), count=len(mine) - LISTED))
        stores = {request.store_id for request in mine}
        notices.append(Notice(NotificationKind.APPROVAL_ASSIGNED, (person,),
                              Words(ngettext_lazy("%(count)d new approval for you", "%(count)d new approvals for you",
                                                  "count"), count=len(mine)),
                              tuple(lines), reverse("approvals:inbox"), mine[0].store if len(stores) == 1 else None))
    return notices


def status_notices(changes: Iterable[tuple[StoreIncident, str]]) -> list[Notice]:
    """`changes`: (incident with its new status, the status before) → a notice to its store's managers."""
    from apps.incidents.models import IncidentStatus

    changes = list(changes)
    managers: dict[int, set[int]] = defaultdict(set)
    for user_id, store_id in RoleGrant.objects.filter(
            role=Role.STORE_MANAGER, store_id__in={incident.store_id for incident, _ in changes}) \
            .values_list("user_id", "store_id"):
        managers[store_id].add(user_id)
    people = get_user_model().objects.in_bulk({pk for ids in managers.values() for pk in ids})
    notices = []
    for incident, before in changes:
        recipients = tuple(people[pk] for pk in sorted(managers[incident.store_id]) if pk in people)
        if not recipients:
            continue
        was, now = InSentence(IncidentStatus(before).label), InSentence(IncidentStatus(incident.status).label)
        notices.append(Notice(NotificationKind.INCIDENT_STATUS, recipients,
                              Words(gettext_lazy("%(reference)s is now %(status)s: %(title)s"),
                                    reference=incident.reference, status=now, title=incident.title),
                              Words(gettext_lazy("Status changed in Odoo from %(before)s to %(now)s."),
                                    before=was, now=now), incident.get_absolute_url(), incident.store))
    return notices
