"""Health read from Odoo through the gateway: scheduled actions, failed emails, the portal's webhook
rules, and whether Odoo answers at all. Run periodically by the worker (a few RPC calls per pass)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from apps.health import conf
from apps.health.models import HealthSignal, SignalCategory, SignalStatus
from apps.health.readings import Reading, graded
from apps.integration.conf import JSON_RPC_REMOVED
from apps.odoo_gateway import OdooError, OdooGateway, parse_odoo_datetime_or_none
from apps.odoo_gateway.links import odoo_list_path, odoo_record_path
from apps.sync.hints import webhook_token
from apps.sync.webhooks import webhook_rules_present

CRON_FIELDS = ["cron_name", "active", "nextcall", "lastcall", "interval_number", "interval_type", "failure_count",
               "first_failure_date"]
MAIL_FIELDS = ["subject", "email_to", "failure_type", "failure_reason", "model", "res_id"]


def odoo_readings(gateway: OdooGateway, *, now: datetime, previous: dict[str, HealthSignal]) -> list[Reading]:
    """Every Odoo signal; if Odoo does not answer, only the connection signal (the others keep their
    last reading rather than being retired)."""
    started = time.monotonic()
    try:
        version = str(gateway.version())
        crons = gateway.search_read("ir.cron", [], CRON_FIELDS, order="id asc", context={"active_test": False})
        failed_mail = gateway.search_count("mail.mail", [["state", "=", "exception"]])
        latest_mail = gateway.search_read("mail.mail", [["state", "=", "exception"]], MAIL_FIELDS, order="id desc",
                                          limit=3) if failed_mail else []
        rules = webhook_rules_present(gateway=gateway) if _hints_enabled() else None
    except OdooError as exc:
        return [Reading("odoo.connection", "Odoo answers the portal", SignalCategory.ODOO_CONNECTION,
                        SignalStatus.FAILING, "the last Odoo check raised an error → failing",
                        detail=f"{type(exc).__name__}: {exc}", data={"partial": True})]
    elapsed = time.monotonic() - started
    readings = [Reading("odoo.connection", "Odoo answers the portal", SignalCategory.ODOO_CONNECTION, SignalStatus.OK,
                        "every health call answered → ok", detail=f"Odoo {version}, checks took {elapsed:.2f} s",
                        value=round(elapsed, 3))]
    readings.append(transport_reading(gateway.version().major, gateway.transport_name or ""))
    readings += [r for cron in crons if (r := cron_reading(cron, now=now, previous=previous)) is not None]
    readings.append(mail_reading(failed_mail, latest_mail))
    readings.append(webhook_rules_reading(rules))
    return readings


def transport_reading(major: int, transport: str) -> Reading:
    """JSON-2 first: Odoo 19 deprecates JSON-RPC (and logs every call), Odoo 20 removes it. Without an
    API key the portal still works on 19 over JSON-RPC, but not for long: said here, not in a log."""
    label, rule = "Odoo API: JSON-2 with an API key", "Odoo 19 over JSON-RPC → degraded; Odoo 20+ → failing"
    if major >= 19 and transport != "json2":
        return Reading("odoo.api", label, SignalCategory.ODOO_CONNECTION,
                       SignalStatus.FAILING if major >= 20 else SignalStatus.DEGRADED, rule,
                       detail=f"{JSON_RPC_REMOVED} (ODOO_API_KEY; README, Connect your Odoo)",
                       data={"major": major, "transport": transport})
    return Reading("odoo.api", label, SignalCategory.ODOO_CONNECTION, SignalStatus.OK, rule,
                   detail=f"Odoo {major} over {transport}", data={"major": major, "transport": transport})


def cron_reading(cron: dict[str, Any], *, now: datetime, previous: dict[str, HealthSignal]) -> Reading | None:
    """One scheduled action. Jobs that were never active are not watched (Odoo ships many switched
    off); a job that was active and now is not was deactivated, by a person or by Odoo itself after
    repeated failures."""
    key = f"odoo.cron.{cron['id']}"
    before = previous.get(key)
    seen_active = bool(cron.get("active")) or bool(before and before.data.get("seen_active"))
    failures = int(cron.get("failure_count") or 0)
    if not cron.get("active") and not seen_active and not failures:
        return None
    first_failure = parse_odoo_datetime_or_none(cron.get("first_failure_date"))
    nextcall = parse_odoo_datetime_or_none(cron.get("nextcall"))
    overdue = (now - nextcall).total_seconds() / 60 if nextcall else 0.0
    label = f"Scheduled action: {cron.get('cron_name') or cron['id']}"
    data = {"seen_active": seen_active, "failure_count": failures, "active": bool(cron.get("active")),
            "name": cron.get("cron_name") or ""}
    if not cron.get("active") and failures:
        status, rule = SignalStatus.FAILING, "deactivated with failure_count > 0 (Odoo stops failing jobs) → failing"
        detail = f"Inactive after {failures} failures since {first_failure:%d %b %H:%M} UTC" if first_failure \
            else f"Inactive after {failures} failures"
    elif not cron.get("active"):
        status, rule, detail = SignalStatus.DEGRADED, "deactivated since the portal saw it active → degraded", \
            "The job is switched off; nothing it does happens any more"
    elif failures:
        status, rule = SignalStatus.FAILING, "failure_count > 0 → failing"
        since = f" since {first_failure:%d %b %H:%M} UTC" if first_failure else ""
        detail = f"{failures} consecutive failures{since}"
    elif overdue > conf.CRON_OVERDUE_MINUTES:
        status = SignalStatus.DEGRADED
        rule = f"nextcall more than {conf.CRON_OVERDUE_MINUTES} min in the past → degraded"
        detail = f"Due {overdue:.0f} min ago: Odoo's cron runner may be stopped"
    else:
        status, rule = SignalStatus.OK, "active, no failures, nextcall not overdue → ok"
        detail = f"Next run {nextcall:%d %b %H:%M} UTC" if nextcall else "No next run planned"
    return Reading(key, label, SignalCategory.ODOO_CRON, status, rule, detail=detail, value=float(failures),
                   odoo_path=odoo_record_path("ir.cron", cron["id"]), data=data)


def mail_reading(failed: int, latest: list[dict[str, Any]]) -> Reading:
    reasons = "; ".join(
        f"{m.get('email_to') or '?'}: {str(m.get('failure_reason') or m.get('failure_type') or 'unknown').strip()}"
        for m in latest)
    return Reading("odoo.mail", "Odoo outgoing email", SignalCategory.ODOO_MAIL,
                   graded(failed, degraded=1, failing=conf.MAIL_FAILING),
                   f"mail.mail in exception: ≥ 1 → degraded, ≥ {conf.MAIL_FAILING} → failing",
                   detail=f"{failed} failed emails" + (f" (latest: {reasons})" if reasons else ""), value=float(failed),
                   odoo_path=odoo_list_path("mail.mail"))


def webhook_rules_reading(rules: dict[str, bool] | None) -> Reading:
    label, category = "Portal webhook rules in Odoo", SignalCategory.ODOO_WEBHOOKS
    if rules is None:
        return Reading("odoo.webhook-rules", label, category, SignalStatus.OK, "hints disabled → ok (polling only)",
                       detail="CT_WEBHOOK_TOKEN is empty: changes arrive by polling alone")
    missing = sorted(model for model, present in rules.items() if not present)
    detail = (f"No hint rule for {', '.join(missing)}: changes there arrive by polling only. "
              f"Fix: python manage.py install_odoo_webhooks --url {settings.SITE_URL}") if missing \
        else f"Rules present for {len(rules)} models"
    return Reading("odoo.webhook-rules", label, category, SignalStatus.DEGRADED if missing else SignalStatus.OK,
                   "a mirrored model without the portal's automation rule → degraded", detail=detail,
                   value=float(len(missing)), odoo_path=odoo_list_path("base.automation"),
                   data={"missing": missing})


def _hints_enabled() -> bool:
    return bool(webhook_token())


def odoo_checks_freshness(previous: dict[str, HealthSignal], *, now: datetime) -> Reading:
    """Judged by the web process: the Odoo checks run on the worker, so their age tells whether the
    Odoo signals on the page are current."""
    connection = previous.get("odoo.connection")
    limit = timedelta(seconds=3 * conf.CHECK_INTERVAL)
    label, category = "Odoo checks are current", SignalCategory.WORKER
    rule = f"last Odoo check older than {int(limit.total_seconds())} s (3 intervals) → degraded"
    if connection is None:
        return Reading("worker.odoo-checks", label, category, SignalStatus.DEGRADED, rule,
                       detail="The Odoo checks have not run yet")
    age = (now - connection.observed_at).total_seconds()
    return Reading("worker.odoo-checks", label, category,
                   SignalStatus.DEGRADED if age > limit.total_seconds() else SignalStatus.OK, rule,
                   detail=f"Last Odoo check {int(age)} s ago", value=round(age, 1))
