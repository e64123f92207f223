"""The words the portal's scripts write (live status, refusals, the store app's queue), translated on
the server into the page (`{% js_texts %}`: a JSON block, no script runs from it, so the CSP allows it
and a page kept offline by the store app keeps its words). Scripts read them with `ctText(key, english,
values)` from `static/js/texts.js`; a missing key falls back to the English in the script."""

from __future__ import annotations

from django.utils.translation import gettext as _


def js_texts() -> dict[str, str]:
    return {
        "live_connected": _("Live updates: connected"),
        "live_reconnecting": _("Live updates: reconnecting"),
        "refused_403": _("You cannot do this (403)."),
        "refused_404": _("Not found in your scope (404)."),
        "server_failed": _("The server failed (%(status)s); nothing was changed. Try again."),
        "refused": _("Refused (%(status)s)."),
        "unreachable": _("The portal could not be reached; nothing was changed. Try again."),
        "confirm_approve": _("Approve %(amount)s? Press a again to approve, Esc to cancel."),
        "queue_one": _("1 report waiting to send"),
        "queue_many": _("%(count)s reports waiting to send"),
        "not_sent": _("Not sent: %(error)s"),
        "waiting": _("Waiting to send"),
        "photo_one": _("1 photo"),
        "photo_many": _("%(count)s photos"),
        "photo_number": _("Photo %(number)s"),
        "remove": _("Remove"),
        "remove_photo": _("Remove photo %(number)s"),
        "photos_at_most": _("Add at most %(count)s photos."),
        "not_a_photo": _("%(name)s is not a photo this phone can read."),
        "saved_waiting": _("Saved on this phone — waiting to send."),
        "sent": _("Sent."),
        "not_sent_below": _("Not sent: see below."),
        "saved_signal": _("Saved on this phone — waiting to send. It goes by itself when there is signal."),
        "not_kept": _("This phone could not keep the report: please try again."),
        "report_refused": _("The portal refused this report."),
    }
