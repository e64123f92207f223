"""One-click unsubscribe from the portal's e-mails, without signing in (RFC 8058).

Every digest carries a link signed for one person and one kind of e-mail (`digest`, or a notification
kind); the signature is the only credential, so the link works from any mail client and for no one
else, and it stops working after `CT_UNSUBSCRIBE_LINK_DAYS`. A GET shows a confirm page (mail scanners
follow links, they must not unsubscribe anybody); a POST, from that page or from the mail client's
own button (`List-Unsubscribe-Post: List-Unsubscribe=One-Click`), unsubscribes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.notifications import conf
from apps.notifications.models import NotificationKind

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SALT = "notifications.unsubscribe"
DIGEST = "digest"
KINDS = {DIGEST, *NotificationKind.values}


class UnsubscribeLinkInvalid(Exception):
    """The link was altered, is for no one the portal knows, or is too old; the message says which."""


@dataclass(frozen=True)
class Unsubscription:
    user: User
    kind: str


def unsubscribe_token(user: User, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown e-mail kind {kind!r}")
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT)


def unsubscribe_url(user: User, kind: str) -> str:
    """The absolute link for e-mails (the site's public address, `CT_SITE_URL`)."""
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind)])


def unsubscribe_headers(user: User, kind: str) -> dict[str, str]:
    """The RFC 2369 and RFC 8058 headers: mail clients show their own "Unsubscribe" button and POST."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(user, kind)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscription_read(token: str) -> Unsubscription:
    """Who and what the link is for, or `UnsubscribeLinkInvalid` with a message for the person."""
    try:
        data = signing.loads(token, salt=SALT, max_age=conf.UNSUBSCRIBE_LINK_DAYS * 86400)
    except signing.SignatureExpired as exc:
        raise UnsubscribeLinkInvalid(_(
            "This unsubscribe link has expired. Sign in and turn the e-mail off on your notification "
            "preferences instead.")) from exc
    except signing.BadSignature as exc:
        raise UnsubscribeLinkInvalid(_(
            "This unsubscribe link is not valid: it may have been cut or changed. Use the link of a recent "
            "e-mail, or sign in and change your notification preferences.")) from exc
    kind = data.get("k") if isinstance(data, dict) else None
    user_id = data.get("u") if isinstance(data, dict) else None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None or kind not in KINDS:
        raise UnsubscribeLinkInvalid(_("This unsubscribe link is for an account that no longer receives e-mail."))
    return Unsubscription(user=user, kind=kind)
