"""Making a stock Odoo ready: the fixes `odoo_setup --yes` applies, each idempotent, and the mapping of
Odoo's warehouses to the portal's stores."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from apps.audit.services import audit_record
from apps.incidents import conf as incident_conf
from apps.incidents.taxonomy import TASK_TAGS
from apps.integration import conf
from apps.integration.selectors import VIEW_NAME, Readiness, assignable
from apps.odoo_gateway import OdooError, OdooGateway, m2o_id
from apps.organisation.models import Region, Store, validate_timezone
from apps.sync.feeds import feeds_ensure
from apps.sync.models import Feed, MirrorRecord
from apps.writeback.models import IN_FLIGHT, WriteBack
from apps.writeback.services import writeback_enqueue

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

logger = logging.getLogger(__name__)


def setup_apply(report: Readiness, *, gateway: OdooGateway) -> list[str]:
    """Apply every fix the report marks as one `odoo_setup` can make; returns what was done."""
    done: list[str] = []
    for finding in report.findings:
        if finding.ok or not finding.fix:
            continue
        action, _, arg = finding.fix.partition(":")
        try:
            done.append(_FIXES[action](gateway, arg))
        except OdooError as exc:
            done.append(f"could not {action} {arg}: {type(exc).__name__}: {exc}")
    stores = stores_map_by_code(report.warehouses)
    if stores:
        done.append(f"mapped {len(stores)} stores to the Odoo warehouses of the same code: {', '.join(stores)}")
    return done


def store_field_install(gateway: OdooGateway, model: str) -> str:
    """The many2one to stock.warehouse (a `manual` field, as Odoo's own field editor makes) and an
    inherited form view so Odoo users can set it. Idempotent: an existing field or view is kept."""
    model_ids = gateway.search("ir.model", [["model", "=", model]])
    if not model_ids:
        return f"{model} is not installed in Odoo: no store field"
    existing = gateway.search("ir.model.fields", [["model", "=", model], ["name", "=", conf.STORE_FIELD]])
    if not existing:
        gateway.create("ir.model.fields", {
            "name": conf.STORE_FIELD, "model_id": model_ids[0], "ttype": "many2one", "relation": "stock.warehouse",
            "field_description": conf.STORE_FIELD_LABEL, "state": "manual", "on_delete": "set null",
        })
    view = store_field_view_install(gateway, model)
    return f"{model}: store field {'created' if not existing else 'present'}, {view}"


def store_field_view_install(gateway: OdooGateway, model: str) -> str:
    name = VIEW_NAME.format(model=model)
    if gateway.search("ir.ui.view", [["name", "=", name]]):
        return "form view present"
    primary = gateway.search("ir.ui.view", [["model", "=", model], ["type", "=", "form"], ["inherit_id", "=", False],
                                            ["mode", "=", "primary"]], limit=1, order="priority asc, id asc")
    if not primary:
        return "no form view to extend"
    field = f'<field name="{conf.STORE_FIELD}" options="{{\'no_create\': True}}"/>'
    anchor = conf.FORM_ANCHORS.get(model)
    arches = [f'<data><xpath expr="//sheet" position="inside"><group>{field}</group></xpath></data>']
    if anchor:
        arches.insert(0, f"<data><xpath expr=\"//field[@name='{anchor}']\" position=\"after\">{field}</xpath></data>")
    for arch in arches:
        try:
            gateway.create("ir.ui.view", {"name": name, "model": model, "inherit_id": primary[0], "arch": arch})
            return "form view added"
        except OdooError as exc:  # a customised form without the anchor: try the next place
            last = exc
    return f"form view refused ({type(last).__name__}: {last})"


def _view(gateway: OdooGateway, model: str) -> str:
    return f"{model}: {store_field_view_install(gateway, model)}"


def _project(gateway: OdooGateway, _arg: str) -> str:
    if gateway.search("project.project", [["name", "=", incident_conf.TASK_PROJECT]], limit=1):
        return f"project {incident_conf.TASK_PROJECT!r} present"
    gateway.create("project.project", {"name": incident_conf.TASK_PROJECT})
    return f"project {incident_conf.TASK_PROJECT!r} created"


def _named(gateway: OdooGateway, model: str, names: Iterable[str]) -> str:
    present = {row["name"] for row in gateway.search_read(model, [["name", "in", sorted(set(names))]], ["name"])}
    created = [name for name in sorted(set(names)) if name not in present]
    for name in created:
        gateway.create(model, {"name": name})
    return f"{model}: created {', '.join(created)}" if created else f"{model}: all present"


def _disable_feed(_gateway: OdooGateway, slug: str) -> str:
    Feed.objects.filter(slug=slug).update(enabled=False)
    return f"feed {slug} switched off (its Odoo model is not installed)"


def _feeds(gateway: OdooGateway, _arg: str) -> str:
    return "; ".join(feeds_ensure(major=gateway.version().major)) or "built-in feeds follow the server's version"


_FIXES: dict[str, Any] = {
    "feeds": _feeds,
    "field": store_field_install,
    "view": _view,
    "project": _project,
    "tags": lambda gateway, _arg: _named(gateway, "project.tags", TASK_TAGS.values()),
    "teams": lambda gateway, _arg: _named(gateway, "maintenance.team", incident_conf.MAINTENANCE_TEAMS.values()),
    "disable_feed": _disable_feed,
}


# -- stores from warehouses ----------------------------------------------------------------------------

@dataclass(frozen=True)
class StoreRow:
    warehouse: str  # the warehouse's code (or id) in Odoo
    store_code: str
    store_name: str
    region: str
    timezone: str = ""


class StoreMapError(ValueError):
    pass


def stores_template(warehouses: list[dict[str, Any]]) -> str:
    """A CSV to fill in: one line per Odoo warehouse, with the portal's store if one is mapped already."""
    stores = {s.odoo_warehouse_id: s for s in Store.objects.select_related("region")
              .filter(odoo_warehouse_id__isnull=False)}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["warehouse", "store_code", "store_name", "region", "timezone"])
    for row in warehouses:
        store = stores.get(row["id"])
        writer.writerow([row.get("code") or row["id"], store.code if store else "",
                         store.name if store else row.get("name", ""), store.region.code if store else "",
                         store.timezone if store else ""])
    return out.getvalue()


def stores_read_csv(text: str) -> list[StoreRow]:
    reader = csv.DictReader(io.StringIO(text))
    needed = {"warehouse", "store_code", "store_name", "region"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise StoreMapError(f"The CSV needs the columns {', '.join(sorted(needed))} (and optionally timezone).")
    rows = []
    for number, line in enumerate(reader, start=2):
        values = {key: (line.get(key) or "").strip() for key in [*needed, "timezone"]}
        if not values["store_code"]:
            continue  # a warehouse that is not a store (a distribution centre)
        if not values["warehouse"] or not values["region"]:
            raise StoreMapError(f"Line {number}: warehouse and region are required when store_code is set.")
        rows.append(StoreRow(values["warehouse"], values["store_code"], values["store_name"] or values["store_code"],
                             values["region"], values["timezone"]))
    return rows


@transaction.atomic
def stores_map(rows: list[StoreRow], warehouses: list[dict[str, Any]]) -> list[str]:
    """Create or update the portal's stores from the rows; a region named by a new code is created.
    Every change is audited. Refuses the whole file when one warehouse is unknown to Odoo."""
    by_key = {str(w.get("code") or ""): w for w in warehouses} | {str(w["id"]): w for w in warehouses}
    report = []
    for row in rows:
        warehouse = by_key.get(row.warehouse)
        if warehouse is None:
            raise StoreMapError(f"Odoo has no warehouse {row.warehouse!r} (use its code or id).")
        if row.timezone:
            validate_timezone(row.timezone)
        region, _ = Region.objects.get_or_create(code=row.region, defaults={"name": row.region})
        Store.objects.filter(odoo_warehouse_id=warehouse["id"]).exclude(code=row.store_code) \
            .update(odoo_warehouse_id=None)
        defaults: dict[str, Any] = {"name": row.store_name, "region": region, "odoo_warehouse_id": warehouse["id"],
                                    "odoo_company_id": m2o_id(warehouse.get("company_id"))}
        if row.timezone:
            defaults["timezone"] = row.timezone
        store, created = Store.objects.update_or_create(code=row.store_code, defaults=defaults)
        audit_record(actor_label="odoo_setup", action="store.mapped", target=store, store=store,
                     after={"warehouse": warehouse["id"], "region": region.code, "created": created})
        report.append(f"{store.code} → warehouse {warehouse.get('code') or warehouse['id']}"
                      f"{' (new store)' if created else ''}")
    return report


def stores_map_by_code(warehouses: list[dict[str, Any]]) -> list[str]:
    """Stores not mapped yet whose code is a warehouse's code get that warehouse (the usual naming)."""
    codes = {str(w.get("code")): w for w in warehouses if w.get("code")}
    taken = set(Store.objects.filter(odoo_warehouse_id__isnull=False).values_list("odoo_warehouse_id", flat=True))
    mapped = []
    for store in Store.objects.filter(odoo_warehouse_id__isnull=True, code__in=list(codes)):
        warehouse = codes[store.code]
        if warehouse["id"] in taken:
            continue
        store.odoo_warehouse_id, store.odoo_company_id = warehouse["id"], m2o_id(warehouse.get("company_id"))
        store.save(update_fields=["odoo_warehouse_id", "odoo_company_id"])
        audit_record(actor_label="odoo_setup", action="store.mapped", target=store, store=store,
                     after={"warehouse": warehouse["id"]})
        mapped.append(store.code)
    return mapped


# -- assigning a store to a record no store claimed -----------------------------------------------------

ASSIGN_KIND = "integration.store_assign"


class AssignRefused(ValueError):
    pass


@transaction.atomic
def unassigned_assign(*, record: MirrorRecord, store: Store, actor: User, request: HttpRequest | None = None,
                      ) -> WriteBack:
    """Write the store onto the Odoo record through the outbox (audited); once applied the record is
    refetched and flows to the store's people like any other."""
    if not assignable(record):
        via = record.feed.store_field + (f" → {record.feed.store_via_model}" if record.feed.store_via_model else "")
        raise AssignRefused(gettext("%(feed)s finds the store through %(via)s: map that warehouse to a store instead.")
                            % {"feed": record.feed.name, "via": via})
    if record.closed_at is not None:
        raise AssignRefused(gettext("This record is no longer open in Odoo."))
    if not store.active or store.odoo_warehouse_id is None:
        raise AssignRefused(gettext("%(store)s has no Odoo warehouse (or is closed): map it first.") % {"store": store})
    if WriteBack.objects.select_for_update().filter(kind=ASSIGN_KIND, odoo_model=record.feed.odoo_model,
                                                    odoo_id=record.odoo_id, status__in=IN_FLIGHT).exists():
        raise AssignRefused(gettext("A store is already being written to this record in Odoo."))
    writeback = writeback_enqueue(
        kind=ASSIGN_KIND, idempotency_key=f"store-assign:{record.feed.odoo_model}:{record.odoo_id}:{store.pk}",
        odoo_model=record.feed.odoo_model, odoo_id=record.odoo_id, store=store, source=record, created_by=actor,
        payload={"field": conf.STORE_FIELD, "warehouse_id": store.odoo_warehouse_id, "feed": record.feed.slug})
    audit_record(action="unassigned.assigned", target=record, actor=actor, store=store, request=request,
                 before={"store": None}, after={"store": store.code, "writeback": writeback.pk},
                 message=f"{record.feed.odoo_model},{record.odoo_id} assigned to {store.code}")
    return writeback
