"""What a store incident is in Odoo, per model: the values to create it with, how a priority, a team,
a deadline or a duplicate closure is written (respecting the recorded contract), and how an Odoo
record reads back as an incident status.

Only values are built here; the calls go through the gateway in `executors.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.html import escape, format_html

from apps.incidents import conf
from apps.incidents.models import IncidentStatus
from apps.incidents.taxonomy import (
    HELPDESK_TICKET,
    MAINTENANCE_CATEGORIES,
    MAINTENANCE_REQUEST,
    PROJECT_TASK,
    Category,
    Urgency,
    maintenance_priority,
    task_priority,
    urgency_from_priority,
)
from apps.integration.conf import STORE_FIELD
from apps.odoo_gateway import format_odoo_datetime, m2o_id, m2o_name

if TYPE_CHECKING:
    from apps.incidents.models import StoreIncident

TASK_CLOSED_STATES = ("1_done", "1_canceled")
NEW_STAGE_PREFIXES = ("new", "to do", "backlog", "open")
MAINTENANCE_PRIORITY_LABELS = {"0": "Very low", "1": "Low", "2": "Normal", "3": "High"}  # Odoo's own labels
TASK_PRIORITY_LABELS = {"0": "Normal", "1": "High"}


@dataclass(frozen=True)
class OdooTarget:
    model: str
    label: str
    team_field: str  # the many2one that says which team (or project) works on it
    team_model: str

    def priority_values(self, urgency: str) -> dict[str, Any]:
        if self.model == PROJECT_TASK:
            return {"priority": task_priority(urgency)}
        return {"priority": maintenance_priority(urgency)}

    def priority_matches(self, row: dict[str, Any], urgency: str) -> bool:
        return bool(row.get("priority") == self.priority_values(urgency)["priority"])

    @property
    def read_fields(self) -> list[str]:
        """What is read back after creation (the same facts the mirror follows)."""
        assignee = "user_ids" if self.model == PROJECT_TASK else "user_id"
        return ["name", "stage_id", "priority", assignee, self.team_field]

    def priority_label(self, priority: str) -> str:
        labels = TASK_PRIORITY_LABELS if self.model == PROJECT_TASK else MAINTENANCE_PRIORITY_LABELS
        return labels.get(priority, priority)

    @property
    def has_deadline_field(self) -> bool:
        """Tasks carry a deadline in Odoo; maintenance requests and tickets only get a chatter note."""
        return self.model == PROJECT_TASK

    @property
    def closed_fields(self) -> list[str]:
        return {MAINTENANCE_REQUEST: ["archive", "close_date"], PROJECT_TASK: ["state"],
                HELPDESK_TICKET: ["active", "close_date"]}[self.model]

    def is_closed(self, row: dict[str, Any]) -> bool:
        if self.model == MAINTENANCE_REQUEST:
            return bool(row.get("archive") or row.get("close_date"))
        if self.model == PROJECT_TASK:
            return row.get("state") in TASK_CLOSED_STATES
        return not row.get("active", True) or bool(row.get("close_date"))


TARGETS = {
    MAINTENANCE_REQUEST: OdooTarget(MAINTENANCE_REQUEST, "Maintenance request", "maintenance_team_id",
                                    "maintenance.team"),
    PROJECT_TASK: OdooTarget(PROJECT_TASK, "Task", "project_id", "project.project"),
    HELPDESK_TICKET: OdooTarget(HELPDESK_TICKET, "Helpdesk ticket", "team_id", "helpdesk.team"),
}


def odoo_model_for(category: str) -> str:
    """Equipment and buildings are maintenance requests; the rest are tasks in the incidents project,
    or helpdesk tickets when a helpdesk team is configured."""
    if category in MAINTENANCE_CATEGORIES:
        return MAINTENANCE_REQUEST
    return HELPDESK_TICKET if conf.HELPDESK_TEAM else PROJECT_TASK


def target_for(model: str) -> OdooTarget:
    return TARGETS[model]


def reference_marker(reference: str) -> str:
    return f"[{reference}]"


def record_name(incident: StoreIncident) -> str:
    return f"{incident.title} {reference_marker(incident.reference)}"


def description_html(incident: StoreIncident) -> str:
    """The incident as Odoo HTML. Every piece of user text is escaped here: Odoo renders it as HTML."""
    paragraphs = [p for p in incident.description.replace("\r\n", "\n").split("\n\n") if p.strip()]
    body = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    person = incident.submitted_by
    reporter = (person.get_full_name() or person.get_username()) if person is not None else "the store"
    facts = [
        format_html("Reported by {} for {} via Control Tower ({}).", reporter, incident.store, incident.reference),
        format_html("Category: {} · Urgency: {}", incident.get_category_display(), incident.get_urgency_display()),
    ]
    if incident.equipment_ref:
        facts.append(format_html("Equipment or product: {}", incident.equipment_ref))
    link = f"{settings.SITE_URL}{incident.get_absolute_url()}"
    facts.append(format_html('Portal: <a href="{}">{}</a>', link, link))
    return body + "".join(f"<p>{fact}</p>" for fact in facts)


def create_values(incident: StoreIncident, lookups: dict[str, Any]) -> dict[str, Any]:
    """The record to create. `lookups` holds ids found in Odoo (team, project, tag, equipment)."""
    target = target_for(incident.odoo_model)
    values: dict[str, Any] = {
        "name": record_name(incident),
        "description": description_html(incident),
        STORE_FIELD: incident.store.odoo_warehouse_id,
        **target.priority_values(incident.urgency),
    }
    if lookups.get("team_id"):
        values[target.team_field] = lookups["team_id"]
    if incident.odoo_model == MAINTENANCE_REQUEST:
        values["maintenance_type"] = "corrective"
        if lookups.get("equipment_id"):
            values["equipment_id"] = lookups["equipment_id"]
    elif incident.odoo_model == PROJECT_TASK:
        values["user_ids"] = []  # the portal never assigns people: Odoo's team does
        values["date_deadline"] = format_odoo_datetime(incident.deadline)
        if lookups.get("tag_id"):
            values["tag_ids"] = [lookups["tag_id"]]
    return values


def team_name_for(incident: StoreIncident) -> str:
    """The team (maintenance) or project (task) or helpdesk team the incident is created in."""
    if incident.odoo_model == MAINTENANCE_REQUEST:
        return conf.MAINTENANCE_TEAMS.get(incident.category, "")
    if incident.odoo_model == PROJECT_TASK:
        return conf.TASK_PROJECT
    return conf.HELPDESK_TEAM


# -- reading Odoo records back -----------------------------------------------------------------------

def _stage_is_new(stage_name: str) -> bool:
    return stage_name.strip().lower().startswith(NEW_STAGE_PREFIXES)


def status_from_values(model: str, values: dict[str, Any], *, deleted: bool = False) -> str:
    """Where the incident stands, from Odoo's fields. A record deleted in Odoo counts as closed."""
    if deleted:
        return IncidentStatus.CLOSED
    stage = m2o_name(values.get("stage_id")) or ""
    if model == MAINTENANCE_REQUEST:
        if values.get("archive"):
            return IncidentStatus.CLOSED
        if values.get("close_date"):
            return IncidentStatus.RESOLVED
    elif model == PROJECT_TASK:
        if values.get("state") == "1_done":
            return IncidentStatus.RESOLVED
        if values.get("state") == "1_canceled":
            return IncidentStatus.CLOSED
    else:
        if values.get("active") is False:
            return IncidentStatus.CLOSED
        if values.get("close_date"):
            return IncidentStatus.RESOLVED
    return IncidentStatus.IN_ODOO if not stage or _stage_is_new(stage) else IncidentStatus.IN_PROGRESS


def mirror_fields(model: str, values: dict[str, Any]) -> dict[str, Any]:
    """The incident fields that mirror Odoo's stage, priority, assignee and team."""
    target = TARGETS.get(model)
    team = values.get(target.team_field) if target else None
    assignee = m2o_name(values.get("user_id")) or ""
    if not assignee and values.get("user_ids"):
        count = len(values["user_ids"])
        assignee = f"{count} assignee{'s' if count > 1 else ''} in Odoo"
    return {
        "odoo_name": str(values.get("name") or "")[:200],
        "odoo_stage": (m2o_name(values.get("stage_id")) or "")[:100],
        "odoo_state": str(values.get("state") or "")[:32],
        "odoo_priority": str(values.get("priority") or "")[:8],
        "odoo_assignee": assignee[:150],
        "odoo_team": (m2o_name(team) or "")[:150],
    }


def team_option(model: str, values: dict[str, Any]) -> tuple[int, str] | None:
    """The (id, name) of the record's team, to offer as a reassignment choice."""
    target = TARGETS.get(model)
    if target is None:
        return None
    team = values.get(target.team_field)
    team_id, name = m2o_id(team), m2o_name(team)
    return (team_id, name or f"#{team_id}") if team_id else None


def category_guess(model: str, values: dict[str, Any]) -> str:
    """A category for a record created directly in Odoo: from its team for maintenance requests."""
    if model == MAINTENANCE_REQUEST:
        team = (m2o_name(values.get("maintenance_team_id")) or "").lower()
        for category, name in conf.MAINTENANCE_TEAMS.items():
            if name.lower() == team and category in Category.values:
                return category
        if "refrig" in team or "fridge" in team:
            return Category.REFRIGERATION
        if "it" in team.split() or "till" in team:
            return Category.POS_IT
        return Category.FACILITIES
    return ""


def urgency_guess(model: str, values: dict[str, Any]) -> str:
    return urgency_from_priority(model, str(values.get("priority") or "0")) or Urgency.MEDIUM
