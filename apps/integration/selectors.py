"""Is this Odoo ready for the portal? Read-only checks, feature by feature, each saying what is wrong,
what stops working because of it and what fixes it. `odoo_setup --check` prints them, `odoo_setup
--yes` applies the fixes marked `fixable`, and the health page shows the same report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from apps.incidents import conf as incident_conf
from apps.incidents.taxonomy import TASK_TAGS
from apps.integration import conf
from apps.odoo_gateway import (
    OdooAuthError,
    OdooError,
    OdooGateway,
    OdooUnavailable,
    m2o_id,
    parse_odoo_datetime_or_none,
)
from apps.organisation.models import Store
from apps.sync.feeds import BUILTIN_FEEDS, SERIES_BEFORE_19, odoo_series
from apps.sync.models import Feed, MirrorRecord
from apps.sync.stores import NOT_A_STORE

VIEW_NAME = "Control Tower store field ({model})"


@dataclass(frozen=True)
class Finding:
    """One thing checked. `fix` names the action `odoo_setup --yes` takes (empty: a person must act)."""

    area: str
    ok: bool
    text: str
    advice: str = ""
    fix: str = ""
    blocking: bool = True

    @property
    def state(self) -> str:
        if self.ok:
            return "ok"
        return "missing" if self.blocking else "warning"


@dataclass
class Readiness:
    version: str = ""
    transport: str = ""
    user: str = ""
    uid: int | None = None
    findings: list[Finding] = field(default_factory=list)
    warehouses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def missing(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok and f.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok and not f.blocking]

    @property
    def ready(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        if not self.findings:
            return "not checked"
        if self.ready and not self.warnings:
            return f"ready: {len(self.findings)} checks passed"
        parts = [f"{len(self.missing)} missing"] if self.missing else []
        parts += [f"{len(self.warnings)} warnings"] if self.warnings else []
        return ", ".join(parts) + " — " + "; ".join(f.text for f in (self.missing or self.warnings)[:3])


def store_field_models(feeds: list[Feed] | None = None) -> list[str]:
    """The Odoo models whose records find their store through the portal's own field."""
    feeds = feeds if feeds is not None else list(Feed.objects.filter(enabled=True))
    return sorted({f.odoo_model for f in feeds if f.store_field == conf.STORE_FIELD and not f.store_via_model})


def readiness_check(gateway: OdooGateway) -> Readiness:
    """Every check, in the order a person fixes them. Odoo not answering is the one finding then."""
    report = Readiness()
    try:
        version = gateway.version()
        report.version = str(version)
        context = gateway.call("res.users", "context_get", None)
        report.transport = gateway.transport_name or ""
        report.uid = int(context["uid"]) if isinstance(context, dict) and context.get("uid") else None
        users = gateway.read("res.users", [report.uid], ["login", "name", "company_id"]) if report.uid else []
        report.user = str(users[0].get("login") or users[0].get("name")) if users else ""
        report.findings += api_key_findings(gateway, version.major, report.uid)
        feeds = list(Feed.objects.filter(enabled=True))
        report.findings += _feed_series(feeds, version.major)
        installed = _installed_models(gateway, {f.odoo_model for f in feeds})
        report.findings += _feed_models(feeds, installed)
        report.findings += _rights(gateway, report.uid, installed)
        report.findings += _store_fields(gateway, [m for m in store_field_models(feeds) if m in installed])
        report.findings += _delivery(gateway, installed)
        report.warehouses = gateway.search_read("stock.warehouse", [], ["name", "code", "company_id"], order="id asc")
        report.findings += _stores(report.warehouses)
        if "purchase.order" in installed and any(f.odoo_model == "purchase.order" for f in feeds):
            report.findings.append(_purchase_two_step(gateway, m2o_id(users[0].get("company_id")) if users else None))
    except (OdooUnavailable, OdooAuthError) as exc:
        report.findings.append(Finding("Connection", False, f"Odoo did not answer the checks: {type(exc).__name__}",
                                       advice=f"{exc}. Check ODOO_URL, ODOO_DB and the integration user's "
                                              "credentials (README, Connect your Odoo)."))
    except OdooError as exc:
        report.findings.append(Finding("Checks", False, f"A check was refused: {type(exc).__name__}",
                                       advice=f"{exc}. The remaining checks did not run."))
    return report


def server_major(gateway: OdooGateway) -> int | None:
    """The server's major version, or None when Odoo does not answer."""
    try:
        return gateway.version().major
    except OdooError:
        return None


def api_key_findings(gateway: OdooGateway, major: int, uid: int | None, *,
                     today: dt.date | None = None) -> list[Finding]:
    """JSON-2 first: on Odoo 19+ without an API key the portal runs on JSON-RPC, which Odoo 20 removes;
    with a key, a warning two weeks before it expires (Odoo's expiry where readable, else the setting).
    The gateway has connected (its transport is chosen)."""
    if major >= 19 and gateway.transport_name != "json2":
        return [Finding(
            "Connection", False, conf.JSON_RPC_REMOVED,
            advice=f"Odoo {major} logs every JSON-RPC call the portal makes as deprecated, and the next version "
                   "refuses them. Make an API key for the integration user (README, Connect your Odoo) and set "
                   "ODOO_API_KEY: the portal then uses JSON-2.", blocking=major >= 20)]
    if not gateway.config.api_key or uid is None:
        return []
    expiry = _key_expiry(gateway, uid)
    if expiry is None:
        return [Finding("Connection", True, f"API key in use ({gateway.transport_name}); no expiry known")]
    expires, source = expiry
    days = (expires - (today or dt.date.today())).days
    text = (f"The API key expired on {expires:%d %b %Y}" if days < 0
            else f"The API key expires on {expires:%d %b %Y} ({days} days)")
    return [Finding("Connection", days > conf.API_KEY_WARN_DAYS, f"{text}, per {source}",
                    advice="Make a new key for the integration user in Odoo (Preferences → Account Security → "
                           "New API Key), set ODOO_API_KEY (and ODOO_API_KEY_EXPIRES) and restart the portal, "
                           "then delete the old key.", blocking=days < 0)]


def _key_expiry(gateway: OdooGateway, uid: int) -> tuple[dt.date, str] | None:
    if conf.API_KEY_EXPIRES is not None:
        return conf.API_KEY_EXPIRES, "ODOO_API_KEY_EXPIRES"
    try:
        keys = gateway.search_read("res.users.apikeys", [["user_id", "=", uid]], ["name", "expiration_date"])
    except OdooError:  # the user may not read its keys: then the setting is the only source
        return None
    dated = sorted((stamp.date(), str(key.get("name") or key["id"])) for key in keys
                   if (stamp := parse_odoo_datetime_or_none(key.get("expiration_date"))) is not None)
    return (dated[0][0], f"Odoo (key {dated[0][1]!r})") if dated else None


def _feed_series(feeds: list[Feed], major: int) -> list[Finding]:
    """Built-in feeds whose definition differs by version must hold the server's (odoo_setup switches them)."""
    versioned = {d["slug"] for d in BUILTIN_FEEDS if "odoo_19" in d}
    wanted = odoo_series(major)
    return [Finding("Feeds", False, f"Feed {f.slug} is defined for Odoo {f.odoo_series or SERIES_BEFORE_19}, "
                                    f"the server runs Odoo {major}",
                    advice=f"It reads {f.odoo_model}, which Odoo {major} does not approve the same way; every sync "
                           "would fail. odoo_setup switches it to the definition for this version.", fix="feeds")
            for f in feeds if f.slug in versioned and (f.odoo_series or SERIES_BEFORE_19) != wanted]


def _installed_models(gateway: OdooGateway, models: set[str]) -> set[str]:
    wanted = sorted(models | {"project.project", "maintenance.team", "project.tags"})
    rows = gateway.search_read("ir.model", [["model", "in", wanted]], ["model"])
    return {row["model"] for row in rows}


def _feed_models(feeds: list[Feed], installed: set[str]) -> list[Finding]:
    findings = []
    for feed in feeds:
        if feed.odoo_model not in installed:
            findings.append(Finding(
                "Feeds", False, f"Feed {feed.slug}: Odoo has no model {feed.odoo_model}",
                advice="The app that provides it is not installed in this Odoo; the feed would fail on every "
                       "sync. Install the app in Odoo, or let odoo_setup switch the feed off.",
                fix=f"disable_feed:{feed.slug}", blocking=False))
    return findings


def _rights(gateway: OdooGateway, uid: int | None, installed: set[str]) -> list[Finding]:
    if uid is None:
        return [Finding("Rights", False, "Could not tell which Odoo user the portal signs in as",
                        advice="res.users.context_get answered without a uid.")]
    findings = []
    held: dict[str, bool] = {}  # several features rest on one group (Settings): ask Odoo once per group

    def has(group: str) -> bool:
        if group not in held:
            held[group] = bool(gateway.call("res.users", "has_group", [uid], group_ext_id=group))
        return held[group]

    for right in conf.RIGHTS:
        if right.models and not set(right.models) & installed:
            continue
        granted = any(has(group) for group in right.groups)
        if granted:
            findings.append(Finding("Rights", True, f"{right.feature}: granted"))
        else:
            findings.append(Finding(
                "Rights", False, f"{right.feature}: the integration user lacks {' or '.join(right.groups)}",
                advice=f"Without it {right.without}. In Odoo: Settings → Users → the integration user → "
                       f"grant {right.groups[0]}.", blocking=right.key != "health"))
    return findings


def _store_fields(gateway: OdooGateway, models: list[str]) -> list[Finding]:
    if not models:
        return []
    rows = gateway.search_read("ir.model.fields", [["model", "in", models], ["name", "=", conf.STORE_FIELD]],
                               ["model", "ttype", "relation"])
    fields_by_model = {row["model"]: row for row in rows}
    views = gateway.search_read("ir.ui.view", [["name", "in", [VIEW_NAME.format(model=m) for m in models]]],
                                ["name", "model"])
    viewed = {row["model"] for row in views}
    findings = []
    for model in models:
        row = fields_by_model.get(model)
        if row is None:
            findings.append(Finding(
                "Store link", False, f"{model} has no field {conf.STORE_FIELD}",
                advice=f"The feeds on {model} cannot tell a record's store and fail with 'Invalid field'. "
                       f"odoo_setup --yes creates it (a many2one to stock.warehouse).", fix=f"field:{model}"))
        elif row.get("ttype") != "many2one" or row.get("relation") != "stock.warehouse":
            findings.append(Finding(
                "Store link", False, f"{model}.{conf.STORE_FIELD} exists but is a {row.get('ttype')} "
                                     f"to {row.get('relation') or 'nothing'}",
                advice="Rename or remove it in Odoo, or set CT_ODOO_STORE_FIELD to another x_ name."))
        else:
            findings.append(Finding("Store link", True, f"{model}.{conf.STORE_FIELD} present"))
            findings.append(Finding(
                "Store link", model in viewed,
                f"{model} form shows the store field" if model in viewed else f"{model} form does not show the store "
                "field", advice="Odoo users cannot set the store on these records; they land in Unassigned.",
                fix="" if model in viewed else f"view:{model}", blocking=False))
    return findings


def _delivery(gateway: OdooGateway, installed: set[str]) -> list[Finding]:
    """What incident delivery looks up by name: the incidents project, the maintenance teams, task tags."""
    findings = []
    if "project.project" in installed:
        found = gateway.search("project.project", [["name", "=", incident_conf.TASK_PROJECT]], limit=1)
        findings.append(Finding(
            "Incident delivery", bool(found), f"Project {incident_conf.TASK_PROJECT!r}"
            + (" present" if found else " is missing"),
            advice="Task incidents are refused until it exists (CT_INCIDENT_PROJECT).",
            fix="" if found else "project"))
    if "project.tags" in installed:
        tags = sorted(set(TASK_TAGS.values()))
        present = {r["name"] for r in gateway.search_read("project.tags", [["name", "in", tags]], ["name"])}
        missing = [t for t in tags if t not in present]
        findings.append(Finding("Incident delivery", not missing,
                                "Task tags present" if not missing else f"Task tags missing: {', '.join(missing)}",
                                advice="Tasks are created without their category tag.",
                                fix="tags" if missing else "", blocking=False))
    if "maintenance.team" in installed:
        teams = sorted(set(incident_conf.MAINTENANCE_TEAMS.values()))
        present = {r["name"] for r in gateway.search_read("maintenance.team", [["name", "in", teams]], ["name"])}
        missing = [t for t in teams if t not in present]
        findings.append(Finding("Incident delivery", not missing,
                                "Maintenance teams present" if not missing
                                else f"Maintenance teams missing: {', '.join(missing)}",
                                advice="Maintenance incidents fall back on Odoo's default team "
                                       "(CT_INCIDENT_MAINTENANCE_TEAMS).",
                                fix="teams" if missing else "", blocking=False))
    return findings


def _stores(warehouses: list[dict[str, Any]]) -> list[Finding]:
    in_odoo = {row["id"] for row in warehouses}
    mapped = dict(Store.objects.filter(odoo_warehouse_id__isnull=False).values_list("odoo_warehouse_id", "code"))
    findings = [Finding("Stores", False, f"Store {code} points at warehouse {wid}, which Odoo does not have",
                        advice="Correct its warehouse in the admin, or map the stores again (odoo_setup --stores).")
                for wid, code in sorted(mapped.items()) if wid not in in_odoo]
    not_stores = [row for row in warehouses if row["id"] not in mapped and warehouse_not_a_store(row)]
    unmapped = [row for row in warehouses if row["id"] not in mapped and row not in not_stores]
    if not_stores:
        names = ", ".join(f"{row.get('code') or row['id']}" for row in not_stores[:8])
        findings.append(Finding("Stores", True, f"{len(not_stores)} warehouses are no store ({names}): "
                                                "their records are left out"))
    if not mapped:
        findings.append(Finding("Stores", False, "No store is mapped to an Odoo warehouse",
                                advice="Nothing can be scoped to a store. Map them: odoo_setup --stores map.csv "
                                       "(odoo_setup --stores-template prints the warehouses)."))
    elif unmapped:
        names = ", ".join(f"{row.get('code') or row['id']}" for row in unmapped[:8])
        findings.append(Finding("Stores", False, f"{len(unmapped)} warehouses map to no store ({names})",
                                advice="Their records go to Unassigned. Map them if they are stores.",
                                blocking=False))
    else:
        findings.append(Finding("Stores", True, f"{len(mapped)} stores mapped to Odoo warehouses"))
    return findings


def _purchase_two_step(gateway: OdooGateway, company: int | None) -> Finding:
    rows = gateway.read("res.company", [company], ["po_double_validation", "po_double_validation_amount"]) \
        if company else []
    two_step = bool(rows) and rows[0].get("po_double_validation") == "two_step"
    amount = rows[0].get("po_double_validation_amount") if rows else None
    return Finding("Purchase approval", two_step,
                   f"Two-step purchase approval is on (above {amount})" if two_step
                   else "Two-step purchase approval is off",
                   advice="Without it no purchase order ever waits for approval and the purchase feed stays "
                          "empty. In Odoo: Purchase → Settings → Purchase Order Approval.")


# -- records no store claimed ---------------------------------------------------------------------------

def warehouse_not_a_store(warehouse: dict[str, Any]) -> bool:
    """Declared no store (`CT_ODOO_WAREHOUSES_NOT_STORES`, by code or id)."""
    return bool({str(warehouse.get("code") or ""), str(warehouse["id"])} & conf.warehouses_not_stores())


def unassigned_records(limit: int | None = 200) -> QuerySet[MirrorRecord]:
    """Open mirrored records of store-scoped feeds whose store could not be resolved: nobody's inbox
    shows them until a store is assigned (here) or their warehouse is mapped to a store. Records of a
    warehouse that is no store (marked by the sync, `NOT_A_STORE`) are nobody's and not listed."""
    queryset = (MirrorRecord.objects.open().filter(store__isnull=True).exclude(feed__store_field="")
                .exclude(values__has_key=NOT_A_STORE)
                .filter(feed__enabled=True).select_related("feed").order_by("feed__name", "-odoo_write_date"))
    return queryset[:limit] if limit else queryset


def unassigned_count() -> int:
    return unassigned_records(limit=None).count()


def assignable(record: MirrorRecord) -> bool:
    """Only the portal's own field can be written: a record whose store comes from its warehouse is
    fixed by mapping that warehouse to a store instead."""
    return record.feed.store_field == conf.STORE_FIELD and not record.feed.store_via_model


def record_label(record: MirrorRecord) -> str:
    """What the record is called in Odoo, or its partner or product when it has no number yet."""
    values = record.values
    for key in ("name", "display_name", "product_id", "partner_id", "res_name"):
        value = values.get(key)
        text = str(value[1]) if isinstance(value, list) and len(value) == 2 else str(value or "")
        if text and text != "/":
            return text
    return "Draft"
