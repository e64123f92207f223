"""Installing Odoo's outgoing webhooks: per mirrored model, a server action of type 'webhook' and an
automation rule that fires it on create and write (the shape recorded from Odoo 18)."""

from __future__ import annotations

from apps.odoo_gateway import OdooGateway, get_gateway
from apps.sync.hints import hint_path
from apps.sync.models import Feed

RULE_NAME = "Control Tower hint: {model}"


def webhook_rules_install(*, base_url: str, gateway: OdooGateway | None = None) -> list[str]:
    """Create the rules that are missing and point existing ones at `base_url`. Idempotent."""
    gateway = gateway or get_gateway()
    url = base_url.rstrip("/") + hint_path()
    report = []
    for model in sorted(set(Feed.objects.filter(enabled=True).values_list("odoo_model", flat=True))):
        name = RULE_NAME.format(model=model)
        model_ids = gateway.search("ir.model", [["model", "=", model]])
        if not model_ids:
            report.append(f"{model}: not installed in this Odoo, skipped")
            continue
        field_ids = gateway.search("ir.model.fields", [["model", "=", model], ["name", "in", ["write_date"]]])
        actions = gateway.search("ir.actions.server", [["name", "=", name]])
        values = {"name": name, "model_id": model_ids[0], "state": "webhook", "webhook_url": url,
                  "webhook_field_ids": [[6, 0, field_ids]]}
        if actions:
            gateway.write("ir.actions.server", actions, {"webhook_url": url})
            action_id = actions[0]
        else:
            action_id = gateway.create("ir.actions.server", values)
        if gateway.search("base.automation", [["name", "=", name]]):
            report.append(f"{model}: rule present, target updated")
            continue
        gateway.create("base.automation", {"name": name, "model_id": model_ids[0], "trigger": "on_create_or_write",
                                           "action_server_ids": [[6, 0, [action_id]]]})
        report.append(f"{model}: rule created")
    return report


def webhook_rules_present(*, gateway: OdooGateway | None = None) -> dict[str, bool]:
    """Which mirrored models have the portal's rule in Odoo (a workflow health signal)."""
    gateway = gateway or get_gateway()
    models = sorted(set(Feed.objects.filter(enabled=True).values_list("odoo_model", flat=True)))
    names = {RULE_NAME.format(model=model): model for model in models}
    found = gateway.search_read("base.automation", [["name", "in", list(names)]], ["name"])
    present = {names[row["name"]] for row in found if row["name"] in names}
    return {model: model in present for model in models}
