"""Words a store understands: where its incident stands and how urgent it is, never Odoo's jargon.

Odoo keeps a maintenance priority ('0' to '3', labelled "Very low" to "High") and a task priority ('0'
or '1'); the store chose an urgency. One mapping (`taxonomy`) links them, and the store always sees
an urgency: Odoo's priority is shown as the urgency it stands for, so "High" never reads as Odoo's
"Normal".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext, pgettext_lazy

from apps.incidents.taxonomy import (
    MAINTENANCE_REQUEST,
    PROJECT_TASK,
    Urgency,
    maintenance_priority,
    task_priority,
    urgency_from_priority,
)

if TYPE_CHECKING:
    from apps.incidents.models import StoreIncident

SHORT_URGENCY = {Urgency.LOW: pgettext_lazy("urgency", "Low"), Urgency.MEDIUM: pgettext_lazy("urgency", "Medium"),
                 Urgency.HIGH: pgettext_lazy("urgency", "High"), Urgency.CRITICAL: pgettext_lazy("urgency", "Critical")}


def urgency_now(incident: StoreIncident) -> str:
    """The urgency the incident has now: the store's, unless Odoo's priority says otherwise (someone
    changed it there), then the urgency that priority stands for."""
    priority, model = incident.odoo_priority, incident.odoo_model
    if not priority:
        return str(incident.urgency)
    if model == MAINTENANCE_REQUEST and priority == maintenance_priority(incident.urgency):
        return str(incident.urgency)
    if model == PROJECT_TASK and priority == task_priority(incident.urgency):
        return str(incident.urgency)
    return str(urgency_from_priority(model, priority))


def urgency_words(urgency: str) -> str:
    return str(SHORT_URGENCY.get(Urgency(urgency), urgency)) if urgency in Urgency.values else str(urgency)


def _person(incident: StoreIncident) -> str:
    """A named assignee; Odoo's task assignee count ("2 assignees in Odoo") names nobody."""
    name = incident.odoo_assignee
    return "" if not name or name.endswith(" in Odoo") else name


def status_words(incident: StoreIncident) -> str:
    from apps.incidents.models import IncidentStatus

    status = incident.status
    if status == IncidentStatus.QUEUED:
        return gettext("Sent — on its way to the team")
    if status == IncidentStatus.UNDELIVERED:
        return gettext("Saved — operations are getting it to the team")
    if status == IncidentStatus.RESOLVED:
        return gettext("Fixed — confirmed") if incident.fix_confirmed_at else gettext("Done — please confirm")
    if status == IncidentStatus.CLOSED:
        return gettext("Closed as a duplicate") if incident.closed_reason == "duplicate" else gettext("Closed")
    person = _person(incident)
    if person:
        if incident.odoo_model == MAINTENANCE_REQUEST:
            return gettext("Technician assigned: %(person)s") % {"person": person}
        return gettext("Being handled by %(person)s") % {"person": person}
    if status == IncidentStatus.IN_PROGRESS:
        return gettext("Being worked on")
    if incident.odoo_model == MAINTENANCE_REQUEST:
        return gettext("With the maintenance team")
    return gettext("With head office")
