"""Who made a request: everyone segregation of duties must keep from deciding it.

Not one editable field: a buyer can set the purchase representative (`user_id`) to a colleague and then
approve their own order. A request's requesters are its creator (`create_uid`, which nobody can edit),
every field the feed names in `requester_fields` (or the older single `requester_field`), and the
users behind links the feed names in `requester_links`, such as the employee of an expense report
(`{"employee_id": ["hr.employee", "user_id"]}`).

Links are read from Odoo afresh for every sync batch (one `read` per link, `links_prefetch`): an
employee given a user since the last batch is a requester at once, and the projector never reads
one record at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.odoo_gateway import OdooGateway, get_gateway, m2o_id
from apps.sync.models import Feed

CREATOR_FIELD = "create_uid"
_LINKS: dict[tuple[str, str, int], int | None] = {}  # (model, user field, id) → user id, as last read


def requester_fields(feed: Feed) -> list[str]:
    """The fields naming a requester: the creator (unless the feed says its creator is meaningless,
    e.g. a stock quant created by whoever first moved stock) and the feed's requester fields."""
    settings = feed.settings or {}
    named = settings.get("requester_fields")
    if named is None:
        named = [settings.get("requester_field", "user_id")]
    creator = [CREATOR_FIELD] if settings.get("requester_creator", True) else []
    return list(dict.fromkeys([*creator, *named]))


def _links(feed: Feed) -> dict[str, tuple[str, str]]:
    return {field: (str(target[0]), str(target[1]))
            for field, target in ((feed.settings or {}).get("requester_links") or {}).items()}


def links_prefetch(feed: Feed, records: Iterable[Any], *, gateway: OdooGateway | None = None) -> None:
    """Read the users behind the batch's links (one `read` per link), before its requests are filled."""
    records = list(records)
    for field, (model, user_field) in _links(feed).items():
        wanted = sorted({ref for record in records if (ref := m2o_id(record.values.get(field)))})
        if not wanted:
            continue
        found = {row["id"]: m2o_id(row.get(user_field))
                 for row in (gateway or get_gateway()).read(model, wanted, [user_field])}
        for ref in wanted:
            _LINKS[(model, user_field, ref)] = found.get(ref)


def requester_ids(feed: Feed, values: dict[str, Any]) -> list[int]:
    """The Odoo user ids of everyone who made this request, creator first."""
    found = [m2o_id(values.get(field)) for field in requester_fields(feed)]
    for field, (model, user_field) in _links(feed).items():
        ref = m2o_id(values.get(field))
        if ref is not None:
            found.append(_LINKS.get((model, user_field, ref)))
    return list(dict.fromkeys(uid for uid in found if uid))
