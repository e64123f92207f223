"""Approvals: Odoo documents waiting for a decision, the decisions, and the policy that governs them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.odoo_gateway.links import odoo_record_url
from apps.organisation.roles import Role
from apps.organisation.scope import ScopedQuerySet


class ApprovalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed in Odoo")
    CONFLICT = "conflict", _("Conflict in Odoo")


DECIDED = (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.CONFLICT)


class Outcome(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


# Roles that may decide, lowest first: a tier requiring a role is open to that role and those above it.
DECIDING_ROLES = (Role.REGIONAL_MANAGER, Role.HQ_EXECUTIVE)
ROLE_CHOICES = [(role.value, role.label) for role in DECIDING_ROLES]


class ApprovalPolicy(models.Model):
    """One rule of the approval policy. The first active rule that matches a request (lowest
    `priority`) decides its tiers, deadlines, dual approval and auto-approval.

    Every change bumps `version` and is audited (see `policy_save`); decisions record the version
    they were taken under, so a later change never rewrites why an old decision was allowed.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)
    priority = models.PositiveIntegerField(_("priority"), default=100,
                                           help_text=_("Lower wins when several rules match."))
    kind = models.CharField(_("kind"), max_length=50, blank=True,
                            help_text=_("Feed slug (e.g. purchase-orders); empty: any."))
    min_amount = models.DecimalField(_("min amount"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     help_text=_("Applies from this amount (inclusive); empty: no lower bound."))
    max_amount = models.DecimalField(_("max amount"), max_digits=14, decimal_places=2, null=True, blank=True,
                                     help_text=_("Applies below this amount (exclusive); empty: no upper bound."))
    region = models.ForeignKey("organisation.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT,
                               related_name="+", help_text=_("Only this region's stores; empty: every region."))
    stores = models.ManyToManyField("organisation.Store", verbose_name=_("stores"), blank=True, related_name="+",
                                    help_text=_("A store group; empty: every store."))
    auto_approve_below = models.DecimalField(
        _("auto approve below"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Requests below this amount are approved by the system, naming this rule."))
    tier1_role = models.CharField(_("tier1 role"), max_length=32, choices=ROLE_CHOICES, default=Role.REGIONAL_MANAGER,
                                  help_text=_("Who decides first."))
    tier1_sla_hours = models.DecimalField(_("tier1 sla hours"), max_digits=7, decimal_places=2, default=Decimal("24"))
    tier2_role = models.CharField(_("tier2 role"), max_length=32, choices=ROLE_CHOICES, default=Role.HQ_EXECUTIVE,
                                  help_text=_("Escalation target: who decides once the first deadline passed."))
    tier2_sla_hours = models.DecimalField(_("tier2 sla hours"), max_digits=7, decimal_places=2, default=Decimal("8"))
    dual_approval = models.BooleanField(_("dual approval"), default=False,
                                        help_text=_("Two different people must approve."))
    allow_bulk = models.BooleanField(_("allow bulk"), default=True, help_text=_("May be approved in a bulk selection."))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        if self.min_amount is not None and self.max_amount is not None and self.min_amount >= self.max_amount:
            raise ValidationError(_("The lower bound of the amount band must be below the upper bound."))
        if DECIDING_ROLES.index(Role(self.tier2_role)) < DECIDING_ROLES.index(Role(self.tier1_role)):
            raise ValidationError(_("Escalation must go up: the second tier's role cannot be below the first's."))

    def snapshot(self) -> dict[str, Any]:
        """What the rule said, for the audit trail."""
        fields = ["name", "active", "priority", "kind", "min_amount", "max_amount", "region_id",
                  "auto_approve_below", "tier1_role", "tier1_sla_hours", "tier2_role", "tier2_sla_hours",
                  "dual_approval", "allow_bulk", "version"]
        data = {name: getattr(self, name) for name in fields}
        data = {key: str(value) if isinstance(value, Decimal) else value for key, value in data.items()}
        if self.pk:
            data["store_ids"] = sorted(self.stores.values_list("pk", flat=True))
        return data


class OdooUserLink(models.Model):
    """Which Odoo user a portal person is, so segregation of duties can recognise their own requests.

    Kept explicit (set in the admin, or matched by login / e-mail with `odoo_user_links_match`): a
    guess by display name could let someone approve their own purchase order.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="odoo_link")
    odoo_user_id = models.PositiveIntegerField(_("odoo user id"), unique=True)
    odoo_login = models.CharField(_("odoo login"), max_length=150, blank=True)
    odoo_lang = models.CharField(_("odoo lang"), max_length=16, blank=True,
                                 help_text=_("The Odoo user's language (e.g. fr_FR), read from Odoo: the person's "
                                           "language in the portal until they choose one."))

    class Meta:
        verbose_name = _("odoo user link")
        verbose_name_plural = _("odoo user links")

    def __str__(self) -> str:
        return f"{self.user} = Odoo user {self.odoo_user_id} {self.odoo_login}".strip()


class ApprovalRequestQuerySet(ScopedQuerySet["ApprovalRequest"]):
    def open(self) -> ApprovalRequestQuerySet:
        return self.filter(status=ApprovalStatus.OPEN)

    def overdue(self, now: Any = None) -> ApprovalRequestQuerySet:
        return self.open().filter(deadline__lt=now or timezone.now())


class ApprovalRequest(models.Model):
    """An Odoo document waiting for a decision, built from a mirrored record by the projector."""

    mirror = models.OneToOneField("sync.MirrorRecord", verbose_name=_("mirror"), on_delete=models.CASCADE,
                                  related_name="approval")
    feed = models.ForeignKey("sync.Feed", verbose_name=_("feed"), on_delete=models.CASCADE, related_name="+",
                             db_index=False)  # (feed, odoo_id) is unique: its index serves
    kind = models.CharField(_("kind"), max_length=50, help_text=_("The feed's slug."))
    kind_label = models.CharField(_("kind label"), max_length=100)
    store = models.ForeignKey("organisation.Store", verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="approval_requests")
    odoo_model = models.CharField(_("odoo model"), max_length=64)
    odoo_id = models.PositiveIntegerField(_("odoo id"))
    reference = models.CharField(_("reference"), max_length=200)
    partner = models.CharField(_("partner"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(_("currency"), max_length=16, blank=True)
    requester_odoo_id = models.PositiveIntegerField(_("requester odoo id"), null=True, blank=True)
    requester_name = models.CharField(_("requester name"), max_length=150, blank=True)
    requester_odoo_ids = models.JSONField(
        _("requester odoo ids"), default=list, blank=True,
        help_text=_("Odoo users who made the request (creator, requester fields, an "
                                            "expense's employee): none of them may decide it."))
    odoo_state = models.CharField(_("odoo state"), max_length=32, blank=True)
    odoo_open = models.BooleanField(_("odoo open"), default=True,
                                    help_text=_("Still waiting in Odoo (matches the feed)."))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.OPEN)
    closed_outcome = models.CharField(_("closed outcome"), max_length=100, blank=True,
                                      help_text=_("What happened to it in Odoo."))
    round = models.PositiveIntegerField(_("round"), default=1,
                                        help_text=_("Bumped when Odoo puts the document back in the queue."))
    policy = models.ForeignKey(ApprovalPolicy, verbose_name=_("policy"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    policy_label = models.CharField(_("policy label"), max_length=120, blank=True,
                                    help_text=_("Rule name and version applied."))
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    approvals_needed = models.PositiveSmallIntegerField(_("approvals needed"), default=1)
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    required_role = models.CharField(_("required role"), max_length=32, choices=ROLE_CHOICES,
                                     default=Role.REGIONAL_MANAGER)
    escalation_role = models.CharField(_("escalation role"), max_length=32, choices=ROLE_CHOICES,
                                       default=Role.HQ_EXECUTIVE)
    escalation_sla_hours = models.DecimalField(_("escalation sla hours"), max_digits=7, decimal_places=2,
                                               default=Decimal("8"))
    allow_bulk = models.BooleanField(_("allow bulk"), default=True)
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    due_notified_at = models.DateTimeField(_("due notified at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_approvals")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    writeback = models.ForeignKey("writeback.WriteBack", verbose_name=_("writeback"), null=True, blank=True,
                                  on_delete=models.SET_NULL,
                                  related_name="+", help_text=_("The latest write-back of a decision."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApprovalRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["feed", "odoo_id"], name="unique_approval_per_record")]
        # Every index costs each of the thousands of inserts of a first import: status alone is served by
        # (status, deadline), the feed by the unique (feed, odoo_id); the kind (a handful of feeds) by none.
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")

    def __str__(self) -> str:
        return f"{self.kind_label} {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == ApprovalStatus.OPEN

    @property
    def status_label(self) -> str:
        """The truth for the person who decided: "Approved" only once Odoo has it; until then
        "Approved here — goes to Odoo at 10:42:07 unless undone" (the undo window), "— sending to
        Odoo" or "— waiting for Odoo (unreachable since 10:42)"."""
        label = self.get_status_display()
        writeback = self.writeback
        if self.status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED) or writeback is None \
                or writeback.is_final:
            return label
        if writeback.is_held:
            assert writeback.not_before is not None
            return gettext("%(status)s here — goes to Odoo at %(time)s unless undone") % {
                "status": label, "time": dateformat.format(timezone.localtime(writeback.not_before), "H:i:s")}
        if writeback.waiting_since is None:
            return gettext("%(status)s here — sending to Odoo") % {"status": label}
        since = timezone.localtime(writeback.waiting_since)
        shown = dateformat.format(since, "H:i" if since.date() == timezone.localdate() else "j M H:i")
        return gettext("%(status)s here — waiting for Odoo (unreachable since %(since)s)") % {
            "status": label, "since": shown}

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.now()

    @property
    def is_stock_count(self) -> bool:
        return self.odoo_model == "stock.quant"

    @property
    def amount_text(self) -> str:
        """The amount as read: money with its currency, or for a stock count the counted difference
        (a quantity, never shown as money)."""
        from apps.approvals.formatting import money_text, signed_text

        if self.is_stock_count:
            return gettext("difference %(difference)s") % {"difference": signed_text(self.amount)}
        return money_text(self.amount, self.currency)

    @property
    def odoo_url(self) -> str:
        return odoo_record_url(self.odoo_model, self.odoo_id)


class Decision(models.Model):
    """One approve or reject, by a person or by a system rule (auto-approval), under a policy version."""

    request = models.ForeignKey(ApprovalRequest, verbose_name=_("request"), on_delete=models.CASCADE,
                                related_name="decisions")
    round = models.PositiveIntegerField(_("round"), default=1)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="approval_decisions")
    actor_label = models.CharField(_("actor label"), max_length=150)
    system_rule = models.CharField(_("system rule"), max_length=150, blank=True,
                                   help_text=_("The rule that decided, for automatic ones."))
    policy_label = models.CharField(_("policy label"), max_length=120, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    final = models.BooleanField(_("final"), default=True, help_text=_("False for the first of two approvals."))
    writeback = models.ForeignKey("writeback.WriteBack", verbose_name=_("writeback"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.actor_label} {self.outcome} {self.request}"

    @property
    def verb(self) -> str:
        """The decision in the past tense, for sentences: "Approved", "Rejected"."""
        return gettext("Approved") if self.outcome == Outcome.APPROVE else gettext("Rejected")

    @property
    def actor_name(self) -> str:
        """The person's full name when the portal knows it, else the label saved with the decision."""
        if self.actor is not None and self.actor.get_full_name():
            return self.actor.get_full_name()
        return self.actor_label
