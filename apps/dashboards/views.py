"""Dashboard pages, their panels (htmx refresh and live push render the same partial) and CSV exports.

Thin: check access through the selectors, parse the period and sort, render. Bad parameters are a
400 with a message; nothing is computed for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.dashboards import conf, exports, selectors
from apps.dashboards.charts import trend_chart
from apps.dashboards.periods import Period, PeriodError, period_parse
from apps.dashboards.scope import Viewer
from apps.dashboards.sources import ALL_TOPICS
from apps.dashboards.sources import TOPICS as SOURCE_TOPICS
from apps.dashboards.tables import SortError, SortOrder, headers, sort_parse

STORE_PANELS = ("summary", "incidents", "exceptions", "requests", "activity")
REGION_PANELS = ("inbox", "stores", "trend")
HQ_PANELS = ("tiles", "regions", "stores", "breaches", "health", "trend")
# What shows the network's figures but no store's (read as network totals, not per store). The page
# itself is one of them: its regions and stores panels load themselves after it (`HQ_LAZY_PANELS`).
HQ_NETWORK_ONLY = {"tiles", "trend", "kpis"}
HQ_LAZY_PANELS = ("regions", "stores")


class BadParameter(Exception):
    pass


TOPICS = {"all": ALL_TOPICS, **{key: " ".join(topics) for key, topics in SOURCE_TOPICS.items()}}


def _common(**context: Any) -> dict[str, Any]:
    """What every dashboard template reads besides its panels."""
    return {"now": timezone.now(), "topics": TOPICS, "sla_target": conf.SLA_TARGET_PERCENT,
            "activity_days": conf.ACTIVITY_DAYS, **context}


def _params(request: HttpRequest, *, sortable: bool) -> tuple[Period, SortOrder, str]:
    try:
        period = period_parse(request.GET.get("period"))
        order = sort_parse(request.GET) if sortable else SortOrder()
    except (PeriodError, SortError) as exc:
        raise BadParameter(str(exc)) from exc
    query = f"period={period.key}" + (f"&{order.query()}" if order.query() else "")
    return period, order, query


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, GET only, and a clear 400 for a period or sort the dashboard does not offer."""
    @login_required
    @require_GET
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return render(request, "dashboards/bad_request.html", {"message": str(exc)}, status=400)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _panel(name: str, allowed: tuple[str, ...]) -> str:
    if name not in allowed:
        raise Http404(_("No such panel."))
    return name


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(table: str, tables: Mapping[str, Callable[[Any], Iterable[list[Any]]]],
            context: Callable[[], dict[str, Any]], scope: Callable[[dict[str, Any]], str]) -> HttpResponse:
    """One table of a dashboard as a CSV download: 404 for a table it does not export, then the same
    access check, period and dashboard object as the page (`context`); `scope` names the file."""
    if table not in tables:
        raise Http404(_("No such table."))
    data = context()
    text = exports.csv_text(tables[table](data["dash"]))
    return _csv(text, exports.export_name(scope(data), table, data["period"].key))


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The portal's home page shows the first panels of the person's own dashboard (same partials)."""
    viewer = Viewer(request.user)
    period = period_parse(None)
    query = f"period={period.key}"
    if viewer.network:
        dash: Any = selectors.HqDashboard(viewer=viewer, period=period, order=SortOrder(), network_only=True)
        return _common(home_panels=["dashboards/hq.html#tiles"], dash=dash, period=period, query=query,
                       dashboard_url=reverse("dashboards:hq"), dashboard_label=_("Open the network dashboard"))
    region = viewer.regions().order_by("name").first()
    if region is not None:
        dash = selectors.RegionDashboard(viewer=viewer, region=region, period=period, order=SortOrder())
        return _common(home_panels=["dashboards/region.html#inbox", "dashboards/region.html#stores"], dash=dash,
                       region=region, period=period, order=SortOrder(), headers=headers(SortOrder()), query=query,
                       dashboard_url=reverse("dashboards:region", args=[region.code]),
                       dashboard_label=_("Open the %(name)s dashboard") % {"name": region.name})
    store = viewer.stores.select_related("region").order_by("code").first()
    if store is not None:
        dash = selectors.StoreDashboard(viewer=viewer, store=store, period=period)
        return _common(home_panels=["dashboards/store.html#summary", "dashboards/store.html#incidents"], dash=dash,
                       store=store, period=period, query=query,
                       dashboard_url=reverse("dashboards:store", args=[store.code]),
                       dashboard_label=_("Open the %(name)s dashboard") % {"name": store.code})
    return {}


@_guarded
def home(request: HttpRequest) -> HttpResponse:
    """/dashboards/ → the person's own dashboard."""
    url = selectors.dashboard_url_for(Viewer(request.user))
    if url is None:
        raise PermissionDenied(_("Opening a dashboard needs a store, region or network role."))
    return redirect(url)


def _store_data(request: HttpRequest, code: str) -> dict[str, Any]:
    """The store (in the person's scope), the period and the dashboard: what pages and exports read."""
    viewer = Viewer(request.user)
    store = selectors.store_for_dashboard(viewer, code)
    period, _, query = _params(request, sortable=False)
    return {"store": store, "period": period, "query": query,
            "dash": selectors.StoreDashboard(viewer=viewer, store=store, period=period)}


def _store_context(request: HttpRequest, code: str) -> dict[str, Any]:
    data = _store_data(request, code)
    store = data["store"]
    return _common(**data, heading=f"{store.code} {store.name}",
                   crumbs=selectors.crumbs_for(data["dash"].viewer, store=store))


@_guarded
def store(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "dashboards/store.html", _store_context(request, code))


@_guarded
def store_panel(request: HttpRequest, code: str, panel: str) -> HttpResponse:
    name = _panel(panel, STORE_PANELS)
    return render(request, f"dashboards/store.html#{name}", _store_context(request, code))


@_guarded
def store_export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    return _export(table, exports.STORE_TABLES, lambda: _store_data(request, code),
                   lambda context: f"store-{context['store'].code}")


def _region_context(request: HttpRequest, code: str) -> dict[str, Any]:
    viewer = Viewer(request.user)
    region = selectors.region_for_dashboard(viewer, code)
    period, order, query = _params(request, sortable=True)
    dash = selectors.RegionDashboard(viewer=viewer, region=region, period=period, order=order)
    return _common(region=region, period=period, order=order, query=query, headers=headers(order), dash=dash,
                   heading=_("Region %(name)s") % {"name": region.name}, crumbs=selectors.crumbs_for(viewer))


@_guarded
def region(request: HttpRequest, code: str) -> HttpResponse:
    context = _region_context(request, code)
    context["chart"] = trend_chart(context["dash"].trend, context["period"],
                                   _("region %(name)s") % {"name": context["region"].name})
    return render(request, "dashboards/region.html", context)


@_guarded
def region_panel(request: HttpRequest, code: str, panel: str) -> HttpResponse:
    name = _panel(panel, REGION_PANELS)
    context = _region_context(request, code)
    if name == "trend":
        context["chart"] = trend_chart(context["dash"].trend, context["period"],
                                   _("region %(name)s") % {"name": context["region"].name})
    return render(request, f"dashboards/region.html#{name}", context)


@_guarded
def region_export(request: HttpRequest, code: str, table: str) -> HttpResponse:
    return _export(table, exports.REGION_TABLES, lambda: _region_context(request, code),
                   lambda context: f"region-{context['region'].code}")


def _hq_context(request: HttpRequest, part: str | None = None) -> dict[str, Any]:
    """`part`: the one panel or export the request shows (None: the whole page, which computes every
    panel but `HQ_LAZY_PANELS`)."""
    viewer = Viewer(request.user)
    selectors.hq_access_check(viewer)
    period, order, query = _params(request, sortable=True)
    network_only = part is None or part in HQ_NETWORK_ONLY
    dash = selectors.HqDashboard(viewer=viewer, period=period, order=order, network_only=network_only)
    return _common(period=period, order=order, query=query, headers=headers(order), heading=_("Network"), dash=dash)


@_guarded
def hq(request: HttpRequest) -> HttpResponse:
    context = _hq_context(request)
    context["chart"] = trend_chart(context["dash"].trend, context["period"], _("the network"))
    return render(request, "dashboards/hq.html", context)


@_guarded
def hq_panel(request: HttpRequest, panel: str) -> HttpResponse:
    name = _panel(panel, HQ_PANELS)
    context = _hq_context(request, name)
    if name == "trend":
        context["chart"] = trend_chart(context["dash"].trend, context["period"], _("the network"))
    return render(request, f"dashboards/hq.html#{name}", context)


@_guarded
def hq_export(request: HttpRequest, table: str) -> HttpResponse:
    return _export(table, exports.HQ_TABLES, lambda: _hq_context(request, table), lambda context: "network")
