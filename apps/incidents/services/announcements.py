"""Telling a store's managers that one of its incidents changed status (Odoo moved it): one
notification per incident and manager, in a fixed number of queries per sync batch."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from apps.incidents.models import IncidentStatus, StoreIncident
from apps.notifications.models import NotificationKind
from apps.notifications.services import Notice, notify_each
from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role


def _words(label: str) -> str:
    """A status label inside a sentence: "In Odoo" → "in Odoo" (never "in odoo")."""
    return label[:1].lower() + label[1:]


def incident_status_announce(changes: list[tuple[StoreIncident, str]]) -> int:
    """`changes`: (incident with its new status, the status before). Returns the notices sent."""
    if not changes:
        return 0
    store_ids = {incident.store_id for incident, _ in changes}
    managers: dict[int, set[int]] = defaultdict(set)
    for user_id, store_id in RoleGrant.objects.filter(role=Role.STORE_MANAGER, store_id__in=store_ids) \
            .values_list("user_id", "store_id"):
        managers[store_id].add(user_id)
    people = get_user_model().objects.in_bulk({pk for ids in managers.values() for pk in ids})
    notices = []
    for incident, before in changes:
        recipients = tuple(people[pk] for pk in sorted(managers[incident.store_id]) if pk in people)
        if not recipients:
            continue
        was, now = _words(IncidentStatus(before).label), _words(incident.get_status_display())
        notices.append(Notice(NotificationKind.INCIDENT_STATUS, recipients,
                              f"{incident.reference} is now {now}: {incident.title}"[:200],
                              f"Status changed in Odoo from {was} to {now}.",
                              incident.get_absolute_url(), incident.store))
    notify_each(notices)
    return len(notices)
