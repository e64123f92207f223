"""Installing Odoo's outgoing webhooks: per mirrored model, a server action of type 'webhook' and an
automation rule that fires it on create and write (the shape recorded from Odoo 18).

Odoo runs the action inside the write that triggers it, so every write a rule fires on waits for the
portal's answer (a real server: 19 stock writes took 1.37 s with a rule on every write, 0.27 s
without; 57.7 s when the portal did not answer). Each rule is therefore narrowed to what the feeds
need: `filter_domain` is the feeds' base domains on the model (not their open-state domain: a record
leaving a feed, e.g. approved, must still hint) and `trigger_field_ids` the fields the feeds fetch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from apps.odoo_gateway import OdooGateway, get_gateway
from apps.sync.hints import hint_path
from apps.sync.models import Feed

RULE_NAME = "Control Tower hint: {model}"
RULE_PREFIX = RULE_NAME.split("{", 1)[0]
PAYLOAD_FIELDS = ["write_date"]
OPERATORS = {"&": 2, "|": 2, "!": 1}


def _feeds_by_model() -> dict[str, list[Feed]]:
    by_model: dict[str, list[Feed]] = {}
    for feed in Feed.objects.filter(enabled=True).order_by("slug"):
        by_model.setdefault(feed.odoo_model, []).append(feed)
    return dict(sorted(by_model.items()))


def _normalized(domain: Sequence[Any]) -> list[Any]:
    """Odoo's `normalize_domain`: the implicit ANDs made explicit, so domains can be ORed."""
    result: list[Any] = []
    expected = 1
    for token in domain:
        if expected == 0:
            result.insert(0, "&")
            expected = 1
        expected += -1 if isinstance(token, (list, tuple)) else OPERATORS.get(token, 0) - 1
        result.append(tuple(token) if isinstance(token, (list, tuple)) else token)
    return result


def _leaf_fields(domain: Sequence[Any]) -> set[str]:
    """The fields a domain names on its own model (the first step of a dotted path)."""
    return {str(token[0]).split(".", 1)[0] for token in domain if isinstance(token, (list, tuple))}


def rule_filter_domain(feeds: Iterable[Feed]) -> str | None:
    """The feeds' base domains ORed, as the Python literal Odoo stores in `filter_domain`; None when a
    feed takes every record of the model (no filter)."""
    domains: list[list[Any]] = []
    for feed in feeds:
        if not feed.base_domain:
            return None
        domain = _normalized(feed.base_domain)
        if domain not in domains:
            domains.append(domain)
    if not domains:
        return None
    ored = ["|"] * (len(domains) - 1) + [token for domain in domains for token in domain]
    return repr(ored)


LOG_FIELDS = ("write_date", "write_uid", "create_date", "create_uid")


def rule_trigger_fields(feeds: Iterable[Feed]) -> list[str]:
    """The fields whose change matters to a feed: what the feeds fetch (the store field included),
    Odoo's log fields aside: every write stamps them, so as triggers they would fire on any write
    (the one who wrote a count is read with it anyway)."""
    names = [name for feed in feeds for name in feed.fetch_fields if name not in LOG_FIELDS]
    return list(dict.fromkeys(names))


def _field_ids(gateway: OdooGateway, model: str, names: Iterable[str]) -> dict[str, int]:
    """The `ir.model.fields` ids of the named fields Odoo knows on `model`."""
    wanted = sorted(set(names))
    rows = gateway.search_read("ir.model.fields", [["model", "=", model], ["name", "in", wanted]], ["name"])
    return {str(row["name"]): int(row["id"]) for row in rows}


def webhook_rules_install(*, base_url: str, gateway: OdooGateway | None = None) -> list[str]:
    """Create the rules that are missing and bring existing ones to `base_url` and the feeds' current
    filter and trigger fields, in place. Idempotent."""
    gateway = gateway or get_gateway()
    url = base_url.rstrip("/") + hint_path()
    report = []
    for model, feeds in _feeds_by_model().items():
        name = RULE_NAME.format(model=model)
        model_ids = gateway.search("ir.model", [["model", "=", model]])
        if not model_ids:
            report.append(f"{model}: not installed in this Odoo, skipped")
            continue
        triggers = rule_trigger_fields(feeds)
        domain = rule_filter_domain(feeds)
        domain_fields = {f for feed in feeds for f in _leaf_fields(feed.base_domain)}
        known = _field_ids(gateway, model, [*triggers, *PAYLOAD_FIELDS, *domain_fields])
        if domain is not None and not domain_fields <= known.keys():
            # Odoo evaluates the filter inside every write: a field it lacks would fail the writes.
            report.append(f"{model}: no filter, Odoo lacks {', '.join(sorted(domain_fields - known.keys()))}")
            domain = None
        trigger_ids = [known[field] for field in triggers if field in known]
        # Updates leave name and model alone: Odoo resets a rule's fields when its model is written.
        identity = {"name": name, "model_id": model_ids[0]}
        action = {"state": "webhook", "webhook_url": url,
                  "webhook_field_ids": [[6, 0, [known[f] for f in PAYLOAD_FIELDS if f in known]]]}
        actions = gateway.search("ir.actions.server", [["name", "=", name]])
        if actions:
            gateway.write("ir.actions.server", actions, action)
        else:
            actions = [gateway.create("ir.actions.server", {**identity, **action})]
        rule = {"trigger": "on_create_or_write", "filter_domain": domain or False,
                "trigger_field_ids": [[6, 0, trigger_ids]], "action_server_ids": [[6, 0, actions[:1]]]}
        rules = gateway.search("base.automation", [["name", "=", name]])
        if rules:
            gateway.write("base.automation", rules, rule)
            report.append(f"{model}: rule present, target updated")
        else:
            gateway.create("base.automation", {**identity, **rule})
            report.append(f"{model}: rule created")
        report.append(f"{model}: fires on {len(trigger_ids)} fields, for {domain or 'every record'}")
    return report


def webhook_rules_remove(*, gateway: OdooGateway | None = None) -> list[str]:
    """Take the portal's rules and their server actions out of Odoo (every model's, mirrored or no
    longer). Idempotent: nothing left to remove reports so."""
    gateway = gateway or get_gateway()
    rules = gateway.search_read("base.automation", [["name", "=like", f"{RULE_PREFIX}%"]], ["name"])
    if rules:
        gateway.call("base.automation", "unlink", [int(row["id"]) for row in rules])
    # Odoo deletes a rule's actions with it; an action left from an interrupted install goes too.
    actions = gateway.search("ir.actions.server", [["name", "=like", f"{RULE_PREFIX}%"]])
    if actions:
        gateway.call("ir.actions.server", "unlink", actions)
    removed = [f"{row['name'].removeprefix(RULE_PREFIX)}: rule removed" for row in rules]
    return removed or ["no rule to remove"]


def webhook_rules_present(*, gateway: OdooGateway | None = None) -> dict[str, bool]:
    """Which mirrored models have the portal's rule in Odoo (a workflow health signal)."""
    gateway = gateway or get_gateway()
    models = sorted(set(Feed.objects.filter(enabled=True).values_list("odoo_model", flat=True)))
    names = {RULE_NAME.format(model=model): model for model in models}
    found = gateway.search_read("base.automation", [["name", "in", list(names)]], ["name"])
    present = {names[row["name"]] for row in found if row["name"] in names}
    return {model: model in present for model in models}
