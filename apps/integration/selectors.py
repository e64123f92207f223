"""Is this Odoo ready for the portal? Read-only checks, feature by feature, each saying what is wrong,
what stops working because of it and what fixes it. `odoo_setup --check` prints them, `odoo_setup
--yes` applies the fixes marked `fixable`, and the health page shows the same report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_noop

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
from apps.portal.phrases import Day, Joined, Phrase, phrase, phrase_plural
from apps.sync.feeds import BUILTIN_FEEDS, SERIES_BEFORE_19, odoo_series
from apps.sync.models import Feed, MirrorRecord
from apps.sync.stores import NOT_A_STORE

VIEW_NAME = "Control Tower store field ({model})"
# The areas a person fixes in turn (msgids: `odoo_setup` prints them in the portal's language).
CONNECTION, CHECKS, FEEDS, RIGHTS = (gettext_noop("Connection"), gettext_noop("Checks"), gettext_noop("Feeds"),
                                     gettext_noop("Rights"))
STORE_LINK, DELIVERY, STORES, PURCHASE = (gettext_noop("Store link"), gettext_noop("Incident delivery"),
                                          gettext_noop("Stores"), gettext_noop("Purchase approval"))


@dataclass(frozen=True)
class Finding:
    """One thing checked. `fix` names the action `odoo_setup --yes` takes (empty: a person must act).
    `text` and `advice` are phrases: the health page writes them in each reader's language."""

    area: str  # a msgid
    ok: bool
    text: Phrase
    advice: Phrase | None = None
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

    def summary(self) -> Phrase:
        if not self.findings:
            return phrase("not checked")
        if self.ready and not self.warnings:
            return phrase_plural("ready: %(count)s check passed", "ready: %(count)s checks passed", number="count",
                                 count=len(self.findings))
        first = tuple(f.text for f in (self.missing or self.warnings)[:3])
        warnings = phrase_plural("%(count)s warning", "%(count)s warnings", number="count", count=len(self.warnings))
        if self.missing and self.warnings:
            counts = phrase("%(missing)s missing, %(warnings)s", missing=len(self.missing), warnings=warnings)
        else:
            counts = phrase("%(count)s missing", count=len(self.missing)) if self.missing else warnings
        return phrase("%(counts)s — %(findings)s", counts=counts, findings=Joined(first))


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
        report.findings.append(Finding(
            CONNECTION, False, phrase("Odoo did not answer the checks: %(error)s", error=type(exc).__name__),
            advice=phrase("%(error)s. Check ODOO_URL, ODOO_DB and the integration user's credentials (README, "
                          "Connect your Odoo).", error=str(exc))))
    except OdooError as exc:
        report.findings.append(Finding(CHECKS, False, phrase("A check was refused: %(error)s",
                                                             error=type(exc).__name__),
                                       advice=phrase("%(error)s. The remaining checks did not run.", error=str(exc))))
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
            CONNECTION, False, phrase(conf.JSON_RPC_REMOVED),
            advice=phrase("Odoo %(major)s logs every JSON-RPC call the portal makes as deprecated, and the next "
                          "version refuses them. Make an API key for the integration user (README, Connect your "
                          "Odoo) and set ODOO_API_KEY: the portal then uses JSON-2.", major=str(major)),
            blocking=major >= 20)]
    if not gateway.config.api_key or uid is None:
        return []
    expiry = _key_expiry(gateway, uid)
    if expiry is None:
        return [Finding(CONNECTION, True, phrase("API key in use (%(transport)s); no expiry known",
                                                 transport=gateway.transport_name or ""))]
    expires, source = expiry
    days = (expires - (today or dt.date.today())).days
    text = (phrase("The API key expired on %(day)s, per %(source)s", day=Day(expires), source=source) if days < 0
            else phrase_plural("The API key expires on %(day)s (%(count)s day), per %(source)s",
                               "The API key expires on %(day)s (%(count)s days), per %(source)s", number="count",
                               day=Day(expires), count=days, source=source))
    return [Finding(CONNECTION, days > conf.API_KEY_WARN_DAYS, text,
                    advice=phrase("Make a new key for the integration user in Odoo (Preferences → Account Security "
                                  "→ New API Key), set ODOO_API_KEY (and ODOO_API_KEY_EXPIRES) and restart the "
                                  "portal, then delete the old key."), blocking=days < 0)]


def _key_expiry(gateway: OdooGateway, uid: int) -> tuple[dt.date, str | Phrase] | None:
    if conf.API_KEY_EXPIRES is not None:
        return conf.API_KEY_EXPIRES, "ODOO_API_KEY_EXPIRES"
    try:
        keys = gateway.search_read("res.users.apikeys", [["user_id", "=", uid]], ["name", "expiration_date"])
    except OdooError:  # the user may not read its keys: then the setting is the only source
        return None
    dated = sorted((stamp.date(), str(key.get("name") or key["id"])) for key in keys
                   if (stamp := parse_odoo_datetime_or_none(key.get("expiration_date"))) is not None)
    return (dated[0][0], phrase("Odoo (key %(key)s)", key=repr(dated[0][1]))) if dated else None


def _feed_series(feeds: list[Feed], major: int) -> list[Finding]:
    """Built-in feeds whose definition differs by version must hold the server's (odoo_setup switches them)."""
    versioned = {d["slug"] for d in BUILTIN_FEEDS if "odoo_19" in d}
    wanted = odoo_series(major)
    return [Finding(FEEDS, False, phrase("Feed %(feed)s is defined for Odoo %(series)s, the server runs Odoo %(major)s",
                                         feed=f.slug, series=f.odoo_series or SERIES_BEFORE_19, major=str(major)),
                    advice=phrase("It reads %(model)s, which Odoo %(major)s does not approve the same way; every sync "
                                  "would fail. odoo_setup switches it to the definition for this version.",
                                  model=f.odoo_model, major=str(major)), fix="feeds")
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
                FEEDS, False, phrase("Feed %(feed)s: Odoo has no model %(model)s", feed=feed.slug,
                                     model=feed.odoo_model),
                advice=phrase("The app that provides it is not installed in this Odoo; the feed would fail on every "
                              "sync. Install the app in Odoo, or let odoo_setup switch the feed off."),
                fix=f"disable_feed:{feed.slug}", blocking=False))
    return findings


def _rights(gateway: OdooGateway, uid: int | None, installed: set[str]) -> list[Finding]:
    if uid is None:
        return [Finding(RIGHTS, False, phrase("Could not tell which Odoo user the portal signs in as"),
                        advice=phrase("res.users.context_get answered without a uid."))]
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
            findings.append(Finding(RIGHTS, True, phrase("%(feature)s: granted", feature=phrase(right.feature))))
        else:
            findings.append(Finding(
                RIGHTS, False, phrase("%(feature)s: the integration user lacks %(groups)s",
                                      feature=phrase(right.feature), groups=_either(right.groups)),
                advice=phrase("Without it %(without)s. In Odoo: Settings → Users → the integration user → grant "
                              "%(group)s.", without=phrase(right.without), group=right.groups[0]),
                blocking=right.key != "health"))
    return findings


def _either(groups: tuple[str, ...]) -> str | Phrase:
    """Odoo groups, any of which grants a right: "a or b"."""
    either: str | Phrase = groups[0]
    for group in groups[1:]:
        either = phrase("%(first)s or %(then)s", first=either, then=group)
    return either


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
                STORE_LINK, False, phrase("%(model)s has no field %(field)s", model=model, field=conf.STORE_FIELD),
                advice=phrase("The feeds on %(model)s cannot tell a record's store and fail with 'Invalid field'. "
                              "odoo_setup --yes creates it (a many2one to stock.warehouse).", model=model),
                fix=f"field:{model}"))
        elif row.get("ttype") != "many2one" or row.get("relation") != "stock.warehouse":
            findings.append(Finding(
                STORE_LINK, False, phrase("%(field)s exists but is a %(type)s to %(target)s",
                                          field=f"{model}.{conf.STORE_FIELD}", type=str(row.get("ttype")),
                                          target=row.get("relation") or phrase("nothing")),
                advice=phrase("Rename or remove it in Odoo, or set CT_ODOO_STORE_FIELD to another x_ name.")))
        else:
            findings.append(Finding(STORE_LINK, True, phrase("%(field)s present", field=f"{model}.{conf.STORE_FIELD}")))
            findings.append(Finding(
                STORE_LINK, model in viewed,
                phrase("%(model)s form shows the store field", model=model) if model in viewed
                else phrase("%(model)s form does not show the store field", model=model),
                advice=phrase("Odoo users cannot set the store on these records; they land in Unassigned."),
                fix="" if model in viewed else f"view:{model}", blocking=False))
    return findings


def _delivery(gateway: OdooGateway, installed: set[str]) -> list[Finding]:
    """What incident delivery looks up by name: the incidents project, the maintenance teams, task tags."""
    findings = []
    if "project.project" in installed:
        found = gateway.search("project.project", [["name", "=", incident_conf.TASK_PROJECT]], limit=1)
        project = repr(incident_conf.TASK_PROJECT)
        findings.append(Finding(
            DELIVERY, bool(found), phrase("Project %(project)s present", project=project) if found
            else phrase("Project %(project)s is missing", project=project),
            advice=phrase("Task incidents are refused until it exists (CT_INCIDENT_PROJECT)."),
            fix="" if found else "project"))
    if "project.tags" in installed:
        tags = sorted(set(TASK_TAGS.values()))
        present = {r["name"] for r in gateway.search_read("project.tags", [["name", "in", tags]], ["name"])}
        missing = [t for t in tags if t not in present]
        findings.append(Finding(DELIVERY, not missing, phrase("Task tags present") if not missing
                                else phrase("Task tags missing: %(tags)s", tags=", ".join(missing)),
                                advice=phrase("Tasks are created without their category tag."),
                                fix="tags" if missing else "", blocking=False))
    if "maintenance.team" in installed:
        teams = sorted(set(incident_conf.MAINTENANCE_TEAMS.values()))
        present = {r["name"] for r in gateway.search_read("maintenance.team", [["name", "in", teams]], ["name"])}
        missing = [t for t in teams if t not in present]
        findings.append(Finding(DELIVERY, not missing, phrase("Maintenance teams present") if not missing
                                else phrase("Maintenance teams missing: %(teams)s", teams=", ".join(missing)),
                                advice=phrase("Maintenance incidents fall back on Odoo's default team "
                                              "(CT_INCIDENT_MAINTENANCE_TEAMS)."),
                                fix="teams" if missing else "", blocking=False))
    return findings


def _stores(warehouses: list[dict[str, Any]]) -> list[Finding]:
    in_odoo = {row["id"] for row in warehouses}
    mapped = dict(Store.objects.filter(odoo_warehouse_id__isnull=False).values_list("odoo_warehouse_id", "code"))
    findings = [Finding(STORES, False, phrase("Store %(store)s points at warehouse %(warehouse)s, which Odoo does "
                                              "not have", store=code, warehouse=str(wid)),
                        advice=phrase("Correct its warehouse in the admin, or map the stores again (odoo_setup "
                                      "--stores)."))
                for wid, code in sorted(mapped.items()) if wid not in in_odoo]
    not_stores = [row for row in warehouses if row["id"] not in mapped and warehouse_not_a_store(row)]
    unmapped = [row for row in warehouses if row["id"] not in mapped and row not in not_stores]
    if not_stores:
        names = ", ".join(f"{row.get('code') or row['id']}" for row in not_stores[:8])
        findings.append(Finding(STORES, True, phrase_plural(
            "%(count)s warehouse is no store (%(names)s): its records are left out",
            "%(count)s warehouses are no store (%(names)s): their records are left out", number="count",
            count=len(not_stores), names=names)))
    if not mapped:
        findings.append(Finding(STORES, False, phrase("No store is mapped to an Odoo warehouse"),
                                advice=phrase("Nothing can be scoped to a store. Map them: odoo_setup --stores map.csv "
                                              "(odoo_setup --stores-template prints the warehouses).")))
    elif unmapped:
        names = ", ".join(f"{row.get('code') or row['id']}" for row in unmapped[:8])
        findings.append(Finding(STORES, False, phrase_plural(
            "%(count)s warehouse maps to no store (%(names)s)", "%(count)s warehouses map to no store (%(names)s)",
            number="count", count=len(unmapped), names=names),
            advice=phrase("Their records go to Unassigned. Map them if they are stores."), blocking=False))
    else:
        findings.append(Finding(STORES, True, phrase_plural("%(count)s store mapped to Odoo warehouses",
                                                            "%(count)s stores mapped to Odoo warehouses",
                                                            number="count", count=len(mapped))))
    return findings


def _purchase_two_step(gateway: OdooGateway, company: int | None) -> Finding:
    rows = gateway.read("res.company", [company], ["po_double_validation", "po_double_validation_amount"]) \
        if company else []
    two_step = bool(rows) and rows[0].get("po_double_validation") == "two_step"
    amount = rows[0].get("po_double_validation_amount") if rows else None
    return Finding(PURCHASE, two_step,
                   phrase("Two-step purchase approval is on (above %(amount)s)", amount=amount) if two_step
                   else phrase("Two-step purchase approval is off"),
                   advice=phrase("Without it no purchase order ever waits for approval and the purchase feed stays "
                                 "empty. In Odoo: Purchase → Settings → Purchase Order Approval."))


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
