"""Health read from Odoo through the gateway: scheduled actions, failed emails, the portal's webhook
rules, and whether Odoo answers at all. Run periodically by the worker (a few RPC calls per pass)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from apps.health import conf
from apps.health.models import HealthSignal, SignalCategory, SignalStatus
from apps.health.readings import Reading, graded
from apps.integration.conf import JSON_RPC_REMOVED
from apps.odoo_gateway import OdooError, OdooGateway, parse_odoo_datetime_or_none
from apps.odoo_gateway.links import odoo_list_path, odoo_record_path
from apps.portal.phrases import Moment, Phrase, phrase
from apps.sync.hints import webhook_token
from apps.sync.webhooks import webhook_rules_present

CRON_FIELDS = ["cron_name", "active", "nextcall", "lastcall", "interval_number", "interval_type", "failure_count",
               "first_failure_date"]
MAIL_FIELDS = ["subject", "email_to", "failure_type", "failure_reason", "model", "res_id"]
CONNECTION = phrase("Odoo answers the portal")


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
        return [Reading("odoo.connection", CONNECTION, SignalCategory.ODOO_CONNECTION,
                        SignalStatus.FAILING, phrase("the last Odoo check raised an error → failing"),
                        detail=f"{type(exc).__name__}: {exc}", data={"partial": True})]
    elapsed = time.monotonic() - started
    readings = [Reading("odoo.connection", CONNECTION, SignalCategory.ODOO_CONNECTION, SignalStatus.OK,
                        phrase("every health call answered → ok"),
                        detail=phrase("Odoo %(version)s, checks took %(seconds)s s", version=version,
                                      seconds=round(Decimal(elapsed), 2)),
                        value=round(elapsed, 3))]
    readings.append(transport_reading(gateway.version().major, gateway.transport_name or ""))
    readings += [r for cron in crons if (r := cron_reading(cron, now=now, previous=previous)) is not None]
    readings.append(mail_reading(failed_mail, latest_mail))
    readings.append(webhook_rules_reading(rules))
    return readings


def transport_reading(major: int, transport: str) -> Reading:
    """JSON-2 first: Odoo 19 deprecates JSON-RPC (and logs every call), Odoo 20 removes it. Without an
    API key the portal still works on 19 over JSON-RPC, but not for long: said here, not in a log."""
    label = phrase("Odoo API: JSON-2 with an API key")
    rule = phrase("Odoo 19 over JSON-RPC → degraded; Odoo 20+ → failing")
    if major >= 19 and transport != "json2":
        return Reading("odoo.api", label, SignalCategory.ODOO_CONNECTION,
                       SignalStatus.FAILING if major >= 20 else SignalStatus.DEGRADED, rule,
                       detail=phrase("%(removed)s (ODOO_API_KEY; README, Connect your Odoo)",
                                     removed=phrase(JSON_RPC_REMOVED)),
                       data={"major": major, "transport": transport})
    return Reading("odoo.api", label, SignalCategory.ODOO_CONNECTION, SignalStatus.OK, rule,
                   detail=phrase("Odoo %(major)s over %(transport)s", major=str(major), transport=transport),
                   data={"major": major, "transport": transport})


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
    label = phrase("Scheduled action: %(name)s", name=str(cron.get("cron_name") or cron["id"]))
    data = {"seen_active": seen_active, "failure_count": failures, "active": bool(cron.get("active")),
            "name": cron.get("cron_name") or ""}
    rule: Phrase
    detail: Phrase
    if not cron.get("active") and failures:
        status = SignalStatus.FAILING
        rule = phrase("deactivated with failure_count > 0 (Odoo stops failing jobs) → failing")
        detail = phrase("Inactive after %(failures)s failures since %(when)s UTC", failures=failures,
                        when=Moment(first_failure)) if first_failure \
            else phrase("Inactive after %(failures)s failures", failures=failures)
    elif not cron.get("active"):
        status, rule = SignalStatus.DEGRADED, phrase("deactivated since the portal saw it active → degraded")
        detail = phrase("The job is switched off; nothing it does happens any more")
    elif failures:
        status, rule = SignalStatus.FAILING, phrase("failure_count > 0 → failing")
        detail = phrase("%(failures)s consecutive failures since %(when)s UTC", failures=failures,
                        when=Moment(first_failure)) if first_failure \
            else phrase("%(failures)s consecutive failures", failures=failures)
    elif overdue > conf.CRON_OVERDUE_MINUTES:
        status = SignalStatus.DEGRADED
        rule = phrase("nextcall more than %(minutes)s min in the past → degraded", minutes=conf.CRON_OVERDUE_MINUTES)
        detail = phrase("Due %(minutes)s min ago: Odoo's cron runner may be stopped", minutes=round(overdue))
    else:
        status, rule = SignalStatus.OK, phrase("active, no failures, nextcall not overdue → ok")
        detail = phrase("Next run %(when)s UTC", when=Moment(nextcall)) if nextcall else phrase("No next run planned")
    return Reading(key, label, SignalCategory.ODOO_CRON, status, rule, detail=detail, value=float(failures),
                   odoo_path=odoo_record_path("ir.cron", cron["id"]), data=data)


def mail_reading(failed: int, latest: list[dict[str, Any]]) -> Reading:
    reasons = "; ".join(
        f"{m.get('email_to') or '?'}: {str(m.get('failure_reason') or m.get('failure_type') or 'unknown').strip()}"
        for m in latest)
    return Reading("odoo.mail", phrase("Odoo outgoing email"), SignalCategory.ODOO_MAIL,
                   graded(failed, degraded=1, failing=conf.MAIL_FAILING),
                   phrase("mail.mail in exception: ≥ 1 → degraded, ≥ %(failing)s → failing", failing=conf.MAIL_FAILING),
                   detail=phrase("%(count)s failed emails (latest: %(reasons)s)", count=failed, reasons=reasons)
                   if reasons else phrase("%(count)s failed emails", count=failed), value=float(failed),
                   odoo_path=odoo_list_path("mail.mail"))


def webhook_rules_reading(rules: dict[str, bool] | None) -> Reading:
    label, category = phrase("Portal webhook rules in Odoo"), SignalCategory.ODOO_WEBHOOKS
    if rules is None:
        return Reading("odoo.webhook-rules", label, category, SignalStatus.OK,
                       phrase("hints disabled → ok (polling only)"),
                       detail=phrase("CT_WEBHOOK_TOKEN is empty: changes arrive by polling alone"))
    missing = sorted(model for model, present in rules.items() if not present)
    command = f"python manage.py install_odoo_webhooks --url {settings.SITE_URL}"
    detail = phrase("No hint rule for %(models)s: changes there arrive by polling only. Fix: %(command)s",
                    models=", ".join(missing), command=command) if missing \
        else phrase("Rules present for %(count)s models", count=len(rules))
    return Reading("odoo.webhook-rules", label, category, SignalStatus.DEGRADED if missing else SignalStatus.OK,
                   phrase("a mirrored model without the portal's automation rule → degraded"), detail=detail,
                   value=float(len(missing)), odoo_path=odoo_list_path("base.automation"),
                   data={"missing": missing})


def _hints_enabled() -> bool:
    return bool(webhook_token())


def odoo_checks_freshness(previous: dict[str, HealthSignal], *, now: datetime) -> Reading:
    """Judged by the web process: the Odoo checks run on the worker, so their age tells whether the
    Odoo signals on the page are current."""
    connection = previous.get("odoo.connection")
    limit = timedelta(seconds=3 * conf.CHECK_INTERVAL)
    label, category = phrase("Odoo checks are current"), SignalCategory.WORKER
    rule = phrase("last Odoo check older than %(seconds)s s (3 intervals) → degraded",
                  seconds=int(limit.total_seconds()))
    if connection is None:
        return Reading("worker.odoo-checks", label, category, SignalStatus.DEGRADED, rule,
                       detail=phrase("The Odoo checks have not run yet"))
    age = (now - connection.observed_at).total_seconds()
    return Reading("worker.odoo-checks", label, category,
                   SignalStatus.DEGRADED if age > limit.total_seconds() else SignalStatus.OK, rule,
                   detail=phrase("Last Odoo check %(seconds)s s ago", seconds=int(age)), value=round(age, 1))
