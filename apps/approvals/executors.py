"""Applying an approval decision in Odoo, exactly once.

1. Re-read the record: already in the intended outcome → success without calling; moved elsewhere
   (cancelled, posted, recounted in Odoo) → conflict, nothing called. Odoo's `button_approve` has no
   state guard and would revive a cancelled order, so this check is what keeps a late approval safe.
2. Call the feed's method with the service account.
3. Re-read and verify: a non-manager's `button_approve` is a silent no-op in Odoo, so an unchanged
   record after a "successful" call fails loudly with a configuration message. A wizard action
   (outdated count, duplicate expense) is surfaced, never looped on.
4. Post a chatter note (HTML) naming the document by its current number, the approver, the decision,
   the comment and a link to the portal. Each finished step is saved on the row (`save_progress`),
   and a row without a saved note id first looks for its own note in Odoo, so a crash, a lost reply
   or a replay never posts a second one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.html import escape

from apps.odoo_gateway import OdooGateway, OdooRecordMissing
from apps.portal.phrases import phrase
from apps.sync.domain import matches
from apps.sync.models import Feed
from apps.writeback.executors import WizardReturned, WriteBackConflict, WriteBackRefused, save_progress
from apps.writeback.models import WriteBack

PENDING, DONE, ELSEWHERE = "pending", "done", "elsewhere"
REFUSE_WIZARD = "refuse_wizard"
# Models without a chatter in Odoo Community: the outcome is still verified, no note is posted.
NO_CHATTER = {"stock.quant"}


def _feed(writeback: WriteBack) -> Feed:
    try:
        return Feed.objects.get(slug=writeback.payload["feed"])
    except Feed.DoesNotExist:
        raise WriteBackRefused(phrase("The feed %(feed)s no longer exists.",
                                      feed=repr(writeback.payload.get("feed")))) from None


def _read(gateway: OdooGateway, feed: Feed, writeback: WriteBack) -> dict[str, Any]:
    assert writeback.odoo_id is not None
    fields = list(dict.fromkeys([feed.settings.get("state_field", "state"), *feed.fields]))
    if writeback.odoo_model == "stock.quant":
        fields = ["quantity", "inventory_quantity", "inventory_quantity_set"]
    rows = gateway.read(writeback.odoo_model, [writeback.odoo_id], fields, context=feed.settings.get("context"))
    if not rows:
        raise WriteBackConflict(phrase("%(reference)s no longer exists in Odoo; nothing was done.",
                                       reference=str(writeback.payload.get("reference"))))
    return rows[0]


def _same(a: Any, b: Any) -> bool:
    try:
        return abs(float(a) - float(b)) < 1e-6
    except (TypeError, ValueError):
        return a == b


def _quant_position(row: dict[str, Any], outcome: str, payload: dict[str, Any]) -> str:
    """A count has no state: compare the counted and on-hand quantities with the ones decided on."""
    counted, base = payload.get("counted"), payload.get("quantity")
    if row.get("inventory_quantity_set"):
        return PENDING if _same(row.get("inventory_quantity"), counted) else ELSEWHERE
    if outcome == "approve":
        return DONE if _same(row.get("quantity"), counted) else ELSEWHERE
    return DONE if not _same(row.get("quantity"), counted) or _same(counted, base) else ELSEWHERE


def position(feed: Feed, row: dict[str, Any], outcome: str, payload: dict[str, Any]) -> str:
    """Where the Odoo record stands relative to the decision: still pending, done, or elsewhere."""
    if feed.odoo_model == "stock.quant":
        return _quant_position(row, outcome, payload)
    state = row.get(feed.settings.get("state_field", "state"))
    wanted = feed.settings.get("done_states" if outcome == "approve" else "rejected_states", [])
    if state in wanted:
        return DONE
    return PENDING if matches(feed.domain, row) else ELSEWHERE


def _is_wizard(answer: Any) -> bool:
    return isinstance(answer, dict) and str(answer.get("type", "")).startswith("ir.actions.act_window") \
        and answer.get("type") != "ir.actions.act_window_close"


def _call(gateway: OdooGateway, feed: Feed, writeback: WriteBack) -> Any:
    payload, odoo_id = writeback.payload, writeback.odoo_id
    assert odoo_id is not None
    method = payload.get("method") or feed.settings.get(payload["outcome"])
    if not method:
        raise WriteBackRefused(phrase("The feed %(feed)s names no %(outcome)s method in its settings.", feed=feed.slug,
                                      outcome=payload["outcome"]))
    context = payload.get("context") or None
    if method == REFUSE_WIZARD:
        wizard_id = writeback.result.get("refuse_wizard_id")
        if wizard_id is None:
            reason = payload.get("comment") or "Refused in Control Tower"
            # Odoo 16-18 refuse expense reports (`sheet_ids`), Odoo 19 expenses (`expense_ids`): the feed says.
            field = feed.settings.get("refuse_wizard_field", "sheet_ids")
            wizard_id = gateway.create("hr.expense.refuse.wizard", {field: [[6, 0, [odoo_id]]], "reason": reason})
            save_progress(writeback, refuse_wizard_id=wizard_id)
        return gateway.call("hr.expense.refuse.wizard", "action_refuse", [wizard_id], context=context)
    return gateway.call(writeback.odoo_model, method, [odoo_id], context=context)


def _document_name(gateway: OdooGateway, feed: Feed, writeback: WriteBack, row: dict[str, Any] | None) -> str:
    """The document's number as Odoo has it now: a refund mirrored as "Draft #30" is numbered when
    posted, and the note names it by that number."""
    from apps.approvals.projector import reference_of

    field = feed.settings.get("reference_field", "name")
    if writeback.odoo_model in NO_CHATTER or writeback.odoo_id is None:
        return str(writeback.payload.get("reference") or "")
    if row is None or field not in row:
        row = _read(gateway, feed, writeback)
    value = row.get(field)
    name = str(value[1]) if isinstance(value, list) and len(value) == 2 else str(value or "")
    return reference_of(name, writeback.odoo_id)


def note_html(writeback: WriteBack, reference: str) -> str:
    """The chatter note as HTML (sent with `body_is_html`): every value escaped, line breaks of the
    comment kept, a clickable link back to the decision, and the marker that finds it again."""
    payload = writeback.payload
    verb = "approved" if payload["outcome"] == "approve" else "rejected"
    parts = [f"<p>{escape(reference)} {verb} in Control Tower by {escape(payload.get('approver') or '')}.</p>"]
    if payload.get("comment"):
        comment = escape(str(payload["comment"]).replace("\r\n", "\n")).replace("\n", "<br>")
        parts.append(f"<p>Comment: {comment}</p>")
    if payload.get("portal_link"):
        link = escape(payload["portal_link"])
        parts.append(f'<p>Decision: <a href="{link}" target="_blank" rel="noopener">{link}</a></p>')
    parts.append(f"<p>{escape(note_marker(writeback))}</p>")
    return "".join(parts)


def note_marker(writeback: WriteBack) -> str:
    return f"[ct:{writeback.idempotency_key}]"


def _post_note_once(gateway: OdooGateway, feed: Feed, writeback: WriteBack, row: dict[str, Any] | None) -> int | None:
    """Post the note unless it is already in Odoo. Without a saved note id, the note may still have
    reached Odoo (a worker killed after posting, a lost reply, a replay of a dead-lettered row), so
    its marker is looked for first, whatever the attempt count says."""
    if writeback.odoo_model in NO_CHATTER or writeback.result.get("note_id"):
        return writeback.result.get("note_id")
    assert writeback.odoo_id is not None
    found = gateway.search("mail.message", [["model", "=", writeback.odoo_model], ["res_id", "=", writeback.odoo_id],
                                            ["body", "ilike", note_marker(writeback)]], limit=1)
    if found:
        save_progress(writeback, note_id=found[0])
        return found[0]
    body = note_html(writeback, _document_name(gateway, feed, writeback, row))
    note_id = gateway.message_post(writeback.odoo_model, writeback.odoo_id, body, body_is_html=True)
    save_progress(writeback, note_id=note_id)
    return note_id


def approval_execute(writeback: WriteBack, gateway: OdooGateway) -> dict[str, Any]:
    """The executor of kind "approval" (registered in AppConfig.ready)."""
    feed = _feed(writeback)
    payload, outcome = writeback.payload, writeback.payload["outcome"]
    row: dict[str, Any] | None = None
    if not writeback.result.get("applied"):
        where = position(feed, _read(gateway, feed, writeback), outcome, payload)
        if where == ELSEWHERE:
            raise WriteBackConflict(phrase("%(reference)s changed in Odoo since it was mirrored (e.g. cancelled or "
                                           "decided there); nothing was sent.",
                                           reference=str(payload.get("reference"))))
        if where == PENDING:
            try:
                answer = _call(gateway, feed, writeback)
            except OdooRecordMissing as exc:
                raise WriteBackConflict(phrase("%(reference)s was deleted in Odoo: %(error)s",
                                               reference=str(payload.get("reference")), error=str(exc))) from exc
            row = _read(gateway, feed, writeback)
            after = position(feed, row, outcome, payload)
            if after != DONE and _is_wizard(answer):
                raise WizardReturned(phrase(
                    "Odoo asks for a person instead: %(name)s (%(model)s). Open %(reference)s in Odoo.",
                    name=str(answer.get("name") or answer.get("res_model")), model=str(answer.get("res_model")),
                    reference=str(payload.get("reference"))))
            if after != DONE:
                raise WriteBackRefused(phrase(
                    "Odoo accepted %(method)s on %(reference)s but nothing changed: the integration user %(login)s "
                    "lacks the right to %(outcome)s (for purchase orders it must be a Purchase Administrator). Fix "
                    "ODOO_LOGIN's access rights in Odoo, then retry.", method=str(payload.get("method") or outcome),
                    reference=str(payload.get("reference")), login=repr(settings.ODOO_LOGIN), outcome=outcome))
            save_progress(writeback, applied=True, called=True)
        else:
            save_progress(writeback, applied=True, called=False)
    note_id = _post_note_once(gateway, feed, writeback, row)
    return {"applied": True, "note_id": note_id}
