"""The incident taxonomy (product brief, "Incident taxonomy"): categories, urgencies, and where each
category goes in Odoo."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

MAINTENANCE_REQUEST = "maintenance.request"
PROJECT_TASK = "project.task"
HELPDESK_TICKET = "helpdesk.ticket"


class Category(models.TextChoices):
    REFRIGERATION = "refrigeration", _("Refrigeration")
    FACILITIES = "facilities", _("Facilities")
    POS_IT = "pos_it", _("Tills & IT")
    STOCK = "stock", _("Stock")
    SAFETY_SECURITY = "safety_security", _("Safety & security")
    CUSTOMER = "customer", _("Customer")
    STAFFING = "staffing", _("Staffing")
    COMPLIANCE = "compliance", _("Compliance")


class Urgency(models.TextChoices):
    LOW = "low", _("Low - this week")
    MEDIUM = "medium", _("Medium - within a day")
    HIGH = "high", _("High - within hours")
    CRITICAL = "critical", _("Critical - now")


URGENCY_ORDER = [Urgency.LOW, Urgency.MEDIUM, Urgency.HIGH, Urgency.CRITICAL]

# Equipment and buildings are maintenance work; everything else is a task (or a helpdesk ticket).
MAINTENANCE_CATEGORIES = frozenset({Category.REFRIGERATION, Category.FACILITIES, Category.POS_IT})

# A project tag per task category, when the incidents project uses tags (the sandbox seeds these).
TASK_TAGS: dict[str, str] = {
    Category.STOCK: "stock",
    Category.SAFETY_SECURITY: "safety",
    Category.CUSTOMER: "customer",
    Category.STAFFING: "staffing",
    Category.COMPLIANCE: "compliance",
}

# What goes where, in English (the triage reads these words); pages show them translated (`gettext`).
EXAMPLES = {
    Category.REFRIGERATION: gettext_noop("freezer or chiller warm, cold-room alarm, ice build-up"),
    Category.FACILITIES: gettext_noop("leak, broken door or lock, lighting, heating, toilets, parking"),
    Category.POS_IT: gettext_noop("till frozen, card terminal declined, scanner, network, printer"),
    Category.STOCK: gettext_noop("count discrepancy, damaged delivery, missing pallet, wrong goods, empty shelf"),
    Category.SAFETY_SECURITY: gettext_noop("theft, aggression, injury, hazard, alarm, fire exit blocked"),
    Category.CUSTOMER: gettext_noop("complaint, refund dispute, allergy claim, click & collect problem"),
    Category.STAFFING: gettext_noop("absence, shift not covered, training gap"),
    Category.COMPLIANCE: gettext_noop("hygiene finding, wrong price labels, promotion not set up, missing signage"),
}


def maintenance_priority(urgency: str) -> str:
    """Maintenance `priority` is '0' to '3' in urgency order (the contract's selection values)."""
    return str(URGENCY_ORDER.index(Urgency(urgency)))


def task_priority(urgency: str) -> str:
    """Project tasks only know '0' (normal) and '1' (high, starred)."""
    return "1" if urgency in (Urgency.HIGH, Urgency.CRITICAL) else "0"


def urgency_from_priority(model: str, priority: str | None) -> str:
    """Read an Odoo priority back as an urgency (for records created in Odoo)."""
    if model == PROJECT_TASK:
        return Urgency.HIGH if priority == "1" else Urgency.MEDIUM
    try:
        return URGENCY_ORDER[int(priority or 0)]
    except (ValueError, IndexError):
        return Urgency.MEDIUM
