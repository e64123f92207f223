"""Who may open which dashboard, and the data behind each panel.

Access: a store dashboard needs the store in the person's VIEW scope, a region dashboard the region
(`regions_for`), the HQ dashboard network VIEW. Outside the scope is a 404 (existence does not leak);
no role at all is a 403 that says what is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.dashboards import conf, kpis, lists
from apps.dashboards.cache import cached
from apps.dashboards.figures import Figures
from apps.dashboards.periods import Period
from apps.dashboards.scope import Viewer
from apps.dashboards.tables import SortOrder, comparison_rows
from apps.dashboards.tiles import network_tiles, store_tiles
from apps.organisation.models import Region, Store

_T = TypeVar("_T")


def store_for_dashboard(viewer: Viewer, code: str) -> Store:
    store = viewer.stores.select_related("region").filter(code=code).first()
    if store is None:
        if not viewer.store_ids:
            raise PermissionDenied(_("The store dashboard needs a store manager, regional manager or network role."))
        raise Http404(_("No such store in your scope."))
    return store


def region_for_dashboard(viewer: Viewer, code: str) -> Region:
    regions = viewer.regions()
    region = regions.filter(code=code).first()
    if region is None:
        if not regions.exists():
            raise PermissionDenied(_("The region dashboard needs a regional manager or network role."))
        raise Http404(_("No such region in your scope."))
    return region


def hq_access_check(viewer: Viewer) -> None:
    if not viewer.network:
        raise PermissionDenied(_("The HQ dashboard needs a network role (HQ executive or operations admin)."))


def dashboard_url_for(viewer: Viewer) -> str | None:
    """Where a person's day starts: HQ for network roles, their region, or their store."""
    if viewer.network:
        return reverse("dashboards:hq")
    region = viewer.regions().order_by("name").first()
    if region is not None:
        return reverse("dashboards:region", args=[region.code])
    store = viewer.stores.order_by("code").first()
    if store is not None:
        return reverse("dashboards:store", args=[store.code])
    return None


def crumbs_for(viewer: Viewer, *, store: Store | None = None) -> list[tuple[str, str]]:
    """The way back up: HQ for network roles, then the store's region when the person holds it."""
    crumbs = []
    if viewer.network:
        crumbs.append((_("Network"), reverse("dashboards:hq")))
    if store is not None and (viewer.network or viewer.regions().filter(pk=store.region_id).exists()):
        crumbs.append((_("Region %(name)s") % {"name": store.region.name},
                       reverse("dashboards:region", args=[store.region.code])))
    return crumbs


@dataclass
class StoreDashboard:
    """The panels of one store; each property is computed once per request, only when a panel needs it."""

    viewer: Viewer
    store: Store
    period: Period

    @cached_property
    def figures(self) -> Figures:
        ids = [self.store.pk]
        per_store = cached("store-figures", self.period.key, ids,
                           lambda: kpis.store_figures(self.viewer, self.period, ids))
        return per_store.get(self.store.pk, Figures())

    @cached_property
    def tiles(self) -> list[Any]:
        return store_tiles(self.figures, self.period)

    @cached_property
    def incidents(self) -> lists.WorkList:
        return lists.store_incidents(self.viewer, self.store)

    @cached_property
    def exceptions(self) -> lists.WorkList:
        return lists.store_exceptions(self.viewer, self.store)

    @cached_property
    def requests(self) -> lists.WorkList:
        return lists.store_requests(self.viewer, self.store)

    @cached_property
    def activity(self) -> list[Any]:
        return lists.store_activity(self.viewer, self.store)


@dataclass
class RegionDashboard:
    viewer: Viewer
    region: Region
    period: Period
    order: SortOrder

    @cached_property
    def store_list(self) -> list[Store]:
        return list(self.viewer.stores.filter(region=self.region).select_related("region").order_by("code"))

    @cached_property
    def inbox(self) -> lists.InboxSummary:
        return lists.inbox_summary(self.viewer, self.store_ids)

    @cached_property
    def store_ids(self) -> list[int]:
        return [store.pk for store in self.store_list]

    @cached_property
    def figures(self) -> dict[int, Figures]:
        return cached("store-figures", self.period.key, self.store_ids,
                      lambda: kpis.store_figures(self.viewer, self.period, self.store_ids))

    @cached_property
    def rows(self) -> list[Any]:
        return comparison_rows(self.store_list, self.figures, self.order, self.period)

    @cached_property
    def total(self) -> Figures:
        return Figures.total(self.figures.values())

    @cached_property
    def trend(self) -> list[kpis.TrendPoint]:
        return cached("trend", self.period.key, self.store_ids,
                      lambda: kpis.trend(self.viewer, self.period, self.store_ids))


@dataclass
class HqDashboard:
    viewer: Viewer
    period: Period
    order: SortOrder
    # A panel or export that shows no store (the tiles, the trend, the page without its lazily loaded
    # panels): the network's figures are added up by the database instead of from every store's.
    network_only: bool = False

    @cached_property
    def store_list(self) -> list[Store]:
        return list(self.viewer.stores.select_related("region").order_by("code"))

    def _cached(self, name: str, compute: Callable[[], _T]) -> _T:
        """Network-wide figures are shared by every network viewer and may outlive a change briefly."""
        return cached(name, self.period.key, None, compute, max_stale=conf.NETWORK_STALE_SECONDS)

    @cached_property
    def network(self) -> Figures:
        return self._cached("network", lambda: kpis.network_figures(self.viewer, self.period,
                                                                    per_store=not self.network_only))

    @cached_property
    def tiles(self) -> list[Any]:
        return network_tiles(self.network, self.period)

    @cached_property
    def store_figures(self) -> dict[int, Figures]:
        # This period only: what shows stores (the regions and stores panels, their exports) shows no
        # previous period, and is never in the request that shows the network's tiles.
        return self._cached("store-figures", lambda: kpis.store_figures(self.viewer, self.period))

    @cached_property
    def region_rows(self) -> list[Any]:
        store_regions = {store.pk: store.region_id for store in self.store_list}
        regions = {store.region_id: store.region for store in self.store_list}
        figures = self._cached("region-figures", lambda: kpis.region_figures(self.viewer, self.period, store_regions))
        return comparison_rows(list(regions.values()), figures, self.order, self.period)

    @cached_property
    def worst_stores(self) -> list[Any]:
        worst_first = SortOrder()  # the page's own order is usually the same: its rows serve both
        rows = (self.all_stores if self.order == worst_first
                else comparison_rows(self.store_list, self.store_figures, worst_first, self.period))
        return [row for row in rows if row.figures.overdue or row.figures.missed][:10]

    @cached_property
    def all_stores(self) -> list[Any]:
        return comparison_rows(self.store_list, self.store_figures, self.order, self.period)

    @cached_property
    def breaches(self) -> tuple[list[lists.Breach], dict[str, int]]:
        return self._cached("breaches", lambda: lists.breaches(self.viewer))

    @cached_property
    def health(self) -> lists.HealthSummary:
        return lists.health_summary(self.viewer)

    @cached_property
    def trend(self) -> list[kpis.TrendPoint]:
        return self._cached("trend", lambda: kpis.trend(self.viewer, self.period, previous=True,
                                                        per_store=not self.network_only))
