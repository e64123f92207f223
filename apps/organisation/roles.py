"""Roles and the permissions behind them.

A role is a Django group plus django-guardian object permissions on the store or region it is granted
on; HQ and operations hold their rights network-wide through their group. A grant on a region covers
every store in it. Actions are what a scope is asked for: see `apps.organisation.scope`.
"""

from __future__ import annotations

import enum

from django.db import models


class Role(models.TextChoices):
    STORE_MANAGER = "store_manager", "Store manager"
    REGIONAL_MANAGER = "regional_manager", "Regional manager"
    HQ_EXECUTIVE = "hq_executive", "HQ executive"
    OPERATIONS_ADMIN = "operations_admin", "Operations admin"


class Action(enum.Enum):
    """What a user wants to do with a store's data."""

    VIEW = "view"          # read dashboards, queues and records
    OPERATE = "operate"    # act for the store: submit incidents, comment, acknowledge
    DECIDE = "decide"      # approve, reject, override
    ADMINISTER = "administer"  # configure the portal, replay write-backs


# Which permission grants an action, at each level. `None`: that level cannot grant it.
STORE_PERMS: dict[Action, str | None] = {
    Action.VIEW: "view_store",
    Action.OPERATE: "operate_store",
    Action.DECIDE: None,
    Action.ADMINISTER: None,
}
REGION_PERMS: dict[Action, str | None] = {
    Action.VIEW: "view_region",
    Action.OPERATE: "manage_region",
    Action.DECIDE: "manage_region",
    Action.ADMINISTER: None,
}
NETWORK_PERMS: dict[Action, str] = {
    Action.VIEW: "organisation.view_network",
    Action.OPERATE: "organisation.decide_network",
    Action.DECIDE: "organisation.decide_network",
    Action.ADMINISTER: "organisation.administer_portal",
}

# What each role is given where it is granted.
ROLE_STORE_PERMS = {Role.STORE_MANAGER: ("view_store", "operate_store")}
ROLE_REGION_PERMS = {Role.REGIONAL_MANAGER: ("view_region", "manage_region")}
ROLE_GROUP_PERMS: dict[Role, tuple[str, ...]] = {
    Role.STORE_MANAGER: (),
    Role.REGIONAL_MANAGER: (),
    Role.HQ_EXECUTIVE: ("view_network", "decide_network"),
    Role.OPERATIONS_ADMIN: ("view_network", "administer_portal"),
}
# What operations admins may do in the Django admin, per model ("app_label.model": Django's own
# view/add/change/delete). This table is the README's promise ("Roles" → "Operations in the admin"); no
# other role has staff access. Records the portal changes through its own services (decisions,
# incidents, the audit trail) stay read-only here whatever the table says: their admins refuse edits.
OPERATIONS_ADMIN_MODEL_PERMS: dict[str, tuple[str, ...]] = {
    "auth.user": ("view", "add", "change"),
    "organisation.region": ("view", "add", "change"),
    "organisation.store": ("view", "add", "change"),
    "organisation.storegroup": ("view", "add", "change", "delete"),
    "organisation.rolegrant": ("view", "add", "delete"),
    "api.serviceaccount": ("view",),
    "api.apitoken": ("view", "add"),
    "sync.feed": ("view", "add", "change"),
    "sync.syncrun": ("view",),
    "sync.mirrorrecord": ("view",),
    "sync.pendingrefetch": ("view",),
    "sync.webhookrejection": ("view",),
    "approvals.approvalpolicy": ("view", "add", "change"),
    "approvals.odoouserlink": ("view", "add", "change", "delete"),
    "approvals.approvalrequest": ("view",),
    "operations.exceptionrule": ("view", "change"),
    "operations.opsexception": ("view",),
    "operations.patterncheck": ("view",),
    "adjustments.adjustmentreason": ("view", "add", "change"),
    "adjustments.stockcountreport": ("view",),
    "writeback.writeback": ("view",),
    "webhooks.webhooksubscription": ("view", "delete"),
    "webhooks.webhookdelivery": ("view",),
    "health.healthsignal": ("view",),
    "health.healthevent": ("view",),
    "health.workerheartbeat": ("view",),
    "audit.auditevent": ("view",),
    "incidents.storeincident": ("view",),
    "incidents.triagesuggestion": ("view",),
    "axes.accessattempt": ("view", "delete"),  # lift a sign-in lock-out
    "directives.directivetemplate": ("view", "add", "change", "delete"),
    "directives.directive": ("view",),
    "directives.storedirective": ("view",),
    "directives.readinesssummary": ("view",),
}
GROUP_NAMES = {
    Role.STORE_MANAGER: "Store managers",
    Role.REGIONAL_MANAGER: "Regional managers",
    Role.HQ_EXECUTIVE: "HQ executives",
    Role.OPERATIONS_ADMIN: "Operations admins",
}
NETWORK_ROLES = (Role.HQ_EXECUTIVE, Role.OPERATIONS_ADMIN)
