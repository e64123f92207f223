"""Who is told of what arrives from Odoo, in a fixed number of queries per sync batch: new approvals
reach their deciders (one notification per person and batch), an incident's status change reaches the
store's managers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from apps.notifications.models import NotificationKind
from apps.notifications.services import Notice
from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role
from apps.portal.formats import store_clock_text, when_text

if TYPE_CHECKING:
    from apps.approvals.models import ApprovalRequest
    from apps.incidents.models import StoreIncident

LISTED = 10


def later(write: Callable[..., str], *args: Any) -> StrOrPromise:
    """Text written when it is read: in each recipient's language and zone (`notify_each`)."""
    text: StrOrPromise = lazy(write, str)(*args)
    return text


def _deadline(request: ApprovalRequest) -> str:
    clock = store_clock_text(request.deadline, request.store.timezone)
    shown = when_text(request.deadline, weekday=True)
    return f"{shown} ({clock})" if clock else shown


def _arrived_one(request: ApprovalRequest) -> str:
    return _("New approval for you: %(request)s (%(store)s)") % {"request": request, "store": request.store.code}


def _arrived_many(requests: list[ApprovalRequest]) -> str:
    lines = [_("%(request)s (%(store)s), deadline %(deadline)s") % {
        "request": request, "store": request.store.code, "deadline": _deadline(request)}
        for request in requests[:LISTED]]
    if len(requests) > LISTED:
        more = len(requests) - LISTED
        lines.append(ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more})
    return "\n".join(lines)


def _count_subject(count: int) -> str:
    return ngettext("%(count)d new approval for you", "%(count)d new approvals for you", count) % {"count": count}


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
            notices.append(Notice(NotificationKind.APPROVAL_ASSIGNED, (person,), later(_arrived_one, request),
                                  later(lambda r: _("Deadline %(deadline)s.") % {"deadline": _deadline(r)}, request),
                                  reverse("approvals:detail", args=[request.pk]), request.store))
            continue
        stores = {request.store_id for request in mine}
        notices.append(Notice(NotificationKind.APPROVAL_ASSIGNED, (person,), later(_count_subject, len(mine)),
                              later(_arrived_many, mine), reverse("approvals:inbox"),
                              mine[0].store if len(stores) == 1 else None))
    return notices


def _words(label: str) -> str:
    """A status label inside a sentence: "In Odoo" → "in Odoo" (never "in odoo")."""
    return label[:1].lower() + label[1:]


def _status_subject(incident: StoreIncident) -> str:
    return (_("%(reference)s is now %(status)s: %(title)s") % {
        "reference": incident.reference, "status": _words(str(incident.get_status_display())),
        "title": incident.title})[:200]


def _status_body(incident: StoreIncident, before: str) -> str:
    from apps.incidents.models import IncidentStatus

    return _("Status changed in Odoo from %(was)s to %(now)s.") % {
        "was": _words(str(IncidentStatus(before).label)), "now": _words(str(incident.get_status_display()))}


def status_notices(changes: Iterable[tuple[StoreIncident, str]]) -> list[Notice]:
    """`changes`: (incident with its new status, the status before) → a notice to its store's managers."""

    changes = list(changes)
    managers: dict[int, set[int]] = defaultdict(set)
    for user_id, store_id in RoleGrant.objects.filter(
            role=Role.STORE_MANAGER, store_id__in={incident.store_id for incident, _before in changes}) \
            .values_list("user_id", "store_id"):
        managers[store_id].add(user_id)
    people = get_user_model().objects.in_bulk({pk for ids in managers.values() for pk in ids})
    notices = []
    for incident, before in changes:
        recipients = tuple(people[pk] for pk in sorted(managers[incident.store_id]) if pk in people)
        if not recipients:
            continue
        notices.append(Notice(NotificationKind.INCIDENT_STATUS, recipients,
                              later(_status_subject, incident), later(_status_body, incident, before),
                              incident.get_absolute_url(), incident.store))
    return notices
