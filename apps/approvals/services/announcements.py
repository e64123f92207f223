"""Telling deciders that new requests reached them: after a sync batch, one notification per person
(however many requests the batch brought), in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from apps.approvals.models import ApprovalRequest, ApprovalStatus
from apps.notifications.models import NotificationKind
from apps.notifications.services import Notice, notify_each
from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role

LISTED = 10


def requests_announce(request_ids: Iterable[int]) -> int:
    """Notify the deciders of the requests that are (still) open: the assignee, else every holder of
    the tier's role for the store (a regional manager of its region, or HQ). Returns the people told."""
    requests = list(ApprovalRequest.objects.filter(pk__in=list(request_ids), status=ApprovalStatus.OPEN)
                    .select_related("store").order_by("deadline", "pk"))
    if not requests:
        return 0
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
    people = get_user_model().objects.in_bulk([pk for pk in wanted], field_name="pk")
    notices = []
    for user_id, mine in wanted.items():
        person = people.get(user_id)
        if person is None or not person.is_active:
            continue
        if len(mine) == 1:
            request = mine[0]
            notices.append(Notice(NotificationKind.APPROVAL_ASSIGNED, (person,),
                                  f"New approval for you: {request} ({request.store.code})",
                                  f"Deadline {timezone.localtime(request.deadline):%d %b %H:%M}.",
                                  reverse("approvals:detail", args=[request.pk]), request.store))
            continue
        lines = [f"{request} ({request.store.code}), deadline {timezone.localtime(request.deadline):%d %b %H:%M}"
                 for request in mine[:LISTED]]
        if len(mine) > LISTED:
            lines.append(f"and {len(mine) - LISTED} more")
        stores = {request.store_id for request in mine}
        notices.append(Notice(NotificationKind.APPROVAL_ASSIGNED, (person,), f"{len(mine)} new approvals for you",
                              "\n".join(lines), reverse("approvals:inbox"),
                              mine[0].store if len(stores) == 1 else None))
    notify_each(notices)
    return len(notices)
