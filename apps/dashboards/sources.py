"""The three kinds of work a dashboard counts, described once: approval requests, store incidents
and operational exceptions.

Each is owned by its domain app; this module only says which fields mean "open", "due", "finished"
for the KPIs, so the KPI queries are written once for all three. A source whose model (or a field it
needs) is not there yet is skipped, so each panel appears as its data exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

# Topics each source's changes are announced under (the domain apps' own topics, plus the feed kind
# the sync engine sends, plus write-back outcomes that move a status).
TOPICS = {
    "approvals": ("approvals", "approval", "writebacks"),
    "incidents": ("incidents", "incident", "writebacks"),
    "exceptions": ("exceptions", "exception", "writebacks"),
}
ALL_TOPICS = " ".join(dict.fromkeys(topic for topics in TOPICS.values() for topic in topics))


@dataclass(frozen=True)
class Source:
    """How one kind of work maps onto the KPI vocabulary.

    - open: waiting for someone now; overdue: open and past `deadline`.
    - finished: the moment a person (or Odoo) finished it; `done` says which rows count as finished
      for the SLA, `excluded` which ones never count (no portal timing, e.g. decided in Odoo).
    """

    key: str
    label: StrOrPromise
    model_label: str
    opened_field: str
    open_q: Q
    done: Q
    excluded: Q | None
    finished: Callable[[], Any]  # an expression for the finishing time (F or Coalesce)
    finished_since: Callable[[datetime], Q]
    required_fields: tuple[str, ...]
    detail_url: str
    extra: dict[str, Any] = field(default_factory=dict)
    # What of `excluded` an open row can be (today's open rows are counted from the open rows' index,
    # which carries the columns this names: migration 0007).
    open_excluded: Q | None = None

    @property
    def model(self) -> Any:
        return apps.get_model(self.model_label)

    @property
    def topics(self) -> str:
        return " ".join(TOPICS[self.key])


def _approvals() -> Source:
    from apps.approvals.models import DECIDED, ApprovalStatus

    return Source(
        key="approvals", label=_("Approval requests"), model_label="approvals.ApprovalRequest",
        opened_field="requested_at", open_q=Q(status=ApprovalStatus.OPEN),
        done=Q(status__in=DECIDED, decided_at__isnull=False),
        excluded=Q(status=ApprovalStatus.CLOSED),  # decided in Odoo: no portal timing to judge
        finished=lambda: F("decided_at"), finished_since=lambda since: Q(decided_at__gte=since),
        required_fields=("store", "status", "deadline", "requested_at", "decided_at"),
        detail_url="approvals:detail")


def _incidents() -> Source:
    from apps.incidents.models import OPEN_STATUSES, IncidentStatus

    duplicate = Q(closed_reason="duplicate")  # an open incident can be one too (its index carries the reason)
    return Source(
        key="incidents", label=_("Store incidents"), model_label="incidents.StoreIncident",
        opened_field="created_at", open_q=Q(status__in=OPEN_STATUSES),
        done=Q(status__in=(IncidentStatus.RESOLVED, IncidentStatus.CLOSED), closed_at__isnull=False),
        excluded=duplicate,  # the original carries the work
        finished=lambda: F("closed_at"), finished_since=lambda since: Q(closed_at__gte=since),
        required_fields=("store", "status", "deadline", "created_at", "closed_at", "closed_reason", "category"),
        detail_url="incidents:detail", open_excluded=duplicate)


def _exceptions() -> Source:
    from apps.operations.models import ACTIVE_STATUSES, FINAL_STATUSES

    return Source(
        key="exceptions", label=_("Exceptions"), model_label="operations.OpsException",
        opened_field="opened_at", open_q=Q(status__in=ACTIVE_STATUSES),
        done=Q(status__in=FINAL_STATUSES), excluded=None,
        finished=lambda: Coalesce("resolved_at", "closed_at"),
        finished_since=lambda since: Q(resolved_at__gte=since) | Q(closed_at__gte=since),
        required_fields=("store", "status", "deadline", "opened_at", "resolved_at", "closed_at"),
        detail_url="operations:detail")


_BUILDERS: dict[str, Callable[[], Source]] = {"approvals": _approvals, "incidents": _incidents,
                                              "exceptions": _exceptions}


@cache
def _source(key: str) -> Source | None:
    try:
        source = _BUILDERS[key]()
        model = source.model
        for name in source.required_fields:
            model._meta.get_field(name)
    except (ImportError, LookupError, FieldDoesNotExist):
        return None
    return source


def sources() -> list[Source]:
    """The sources whose domain app is installed with the fields the KPIs read."""
    return [source for key in _BUILDERS if (source := _source(key)) is not None]


def source(key: str) -> Source | None:
    return _source(key) if key in _BUILDERS else None
