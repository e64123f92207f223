"""Reads of the audit trail for the audit view and its CSV export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.audit.models import AuditEvent
from apps.organisation.roles import Action
from apps.organisation.scope import has_network_scope
from apps.portal.listing import Listing, ListSpec, listing_page, search

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# The trail's sorts (newest first by default) and text search (object, message, actor, action, store).
AUDIT_LIST = ListSpec(sorts={"when": "occurred_at", "action": "action", "actor": "actor_label"}, default_sort="-when",
                      search_fields=("object_label", "message", "actor_label", "action", "store__code"), page_size=50)
CSV_COLUMNS = ["occurred_at", "actor", "action", "object_type", "object_id", "object", "store", "source_ip",
               "message", "before", "after"]


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    store: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    errors: list[str] = field(default_factory=list)

    def as_query(self) -> str:
        return self.as_querydict().urlencode()

    def as_querydict(self) -> QueryDict:
        query = QueryDict(mutable=True)
        for key in ("actor", "action", "store"):
            if getattr(self, key):
                query[key] = getattr(self, key)
        for key in ("since", "until"):
            if getattr(self, key):
                query[key] = getattr(self, key).isoformat()
        return query


def audit_access_check(user: User | AnonymousUser) -> None:
    """The trail is for HQ executives and operations admins: network-wide view plus decide or administer."""
    network = has_network_scope(user, Action.VIEW)
    if not (network and (has_network_scope(user, Action.DECIDE) or has_network_scope(user, Action.ADMINISTER))):
        raise PermissionDenied(_("The audit trail is open to HQ executives and operations admins only."))


def _date(raw: str, label: str, errors: list[str]) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(_("%(field)s must be a date (YYYY-MM-DD).") % {"field": label})
        return None


def audit_filters_parse(params: QueryDict) -> AuditFilters:
    errors: list[str] = []
    filters = AuditFilters(actor=params.get("actor", "")[:150].strip(), action=params.get("action", "")[:64].strip(),
                           store=params.get("store", "")[:16].strip(),
                           since=_date(params.get("since", ""), pgettext("since", "From"), errors),
                           until=_date(params.get("until", ""), pgettext("until", "To"), errors), errors=errors)
    if filters.since and filters.until and filters.since > filters.until:
        errors.append(_("From must not be after To."))
        filters.until = None
    return filters


def audit_events(user: User | AnonymousUser, filters: AuditFilters) -> QuerySet[AuditEvent]:
    audit_access_check(user)
    events = AuditEvent.objects.select_related("store").order_by("-occurred_at", "-id")
    if filters.actor:
        events = events.filter(actor_label__icontains=filters.actor)
    if filters.action:
        events = events.filter(action__startswith=filters.action)
    if filters.store:
        events = events.filter(store__code=filters.store)
    zone = timezone.get_current_timezone()
    if filters.since:
        events = events.filter(occurred_at__gte=dt.datetime.combine(filters.since, dt.time.min, zone))
    if filters.until:
        events = events.filter(occurred_at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1),
                                                                   dt.time.min, zone))
    return events


def audit_page(user: User | AnonymousUser, filters: AuditFilters, params: QueryDict) -> Listing[AuditEvent]:
    """One keyset page of the trail, searched and sorted as asked (no count over the whole table)."""
    return listing_page(audit_events(user, filters), AUDIT_LIST, params, filters.as_querydict())


def audit_export_events(user: User | AnonymousUser, filters: AuditFilters, q: str) -> QuerySet[AuditEvent]:
    """What the export holds: the same filters and search as the page, newest first, every row."""
    return search(audit_events(user, filters), q.strip()[:100], AUDIT_LIST.search_fields)


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()[:200])


def audit_csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    """Rows for the CSV export, read in chunks so a long export never loads the trail into memory."""
    yield CSV_COLUMNS
    for event in events.iterator(chunk_size=2000):
        yield [event.occurred_at.isoformat(), event.actor_label, event.action, event.object_type, event.object_id,
               event.object_label, event.store.code if event.store else "", event.source_ip or "", event.message,
               _json(event.before), _json(event.after)]


def _json(value: object) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)
