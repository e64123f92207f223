"""People read the portal in their Odoo language until they choose one: each linked Odoo user's
`lang` is read into their `OdooUserLink.odoo_lang` (the link itself stays set in the admin)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from apps.approvals.models import OdooUserLink
from apps.odoo_gateway import OdooError, OdooGateway, get_gateway

logger = logging.getLogger(__name__)


def odoo_languages_refresh(*, user_ids: Iterable[int] | None = None, gateway: OdooGateway | None = None) -> int:
    """Read the linked Odoo users' languages in one call and keep those that changed; returns how many
    changed. Odoo unreachable changes nothing (the next run tries again). A person's new Odoo
    language applies from their next sign-in."""
    links = OdooUserLink.objects.all() if user_ids is None else OdooUserLink.objects.filter(user_id__in=list(user_ids))
    by_odoo_id = {link.odoo_user_id: link for link in links}
    if not by_odoo_id:
        return 0
    try:
        records = (gateway or get_gateway()).read("res.users", sorted(by_odoo_id), ["lang"])
    except OdooError:
        logger.warning("The Odoo users' languages could not be read", exc_info=True)
        return 0
    changed = []
    for record in records:
        link = by_odoo_id.get(int(record["id"]))
        lang = str(record.get("lang") or "")[:16]
        if link is not None and link.odoo_lang != lang:
            link.odoo_lang = lang
            changed.append(link)
    OdooUserLink.objects.bulk_update(changed, ["odoo_lang"])
    return len(changed)
