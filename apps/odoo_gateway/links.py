"""Links into Odoo's web client: the one place that knows Odoo's URL shapes.

`CT_ODOO_LINK_STYLE` (settings.ODOO_LINK_STYLE) picks the record URL: `odoo` gives `/odoo/<model>/<id>`
(Odoo 17.2 and later), `web` gives the legacy `/web#id=<id>&model=<model>&view_type=form` (every version;
Odoo 17.2+ redirects it). The older `CT_APPROVAL_ODOO_LINK_STYLE` is still read as its default. List
views keep the legacy hash URL, which every supported version opens.
"""

from __future__ import annotations

from django.conf import settings


def odoo_record_path(model: str, record_id: int) -> str:
    """The path of a record's form, in the configured style."""
    if settings.ODOO_LINK_STYLE == "web":
        return f"/web#id={record_id}&model={model}&view_type=form"
    return f"/odoo/{model}/{record_id}"


def odoo_list_path(model: str) -> str:
    return f"/web#model={model}&view_type=list"


def odoo_link(path: str) -> str:
    """The absolute URL of a path in Odoo, or "" when no Odoo URL is configured (or no path is known)."""
    base = (settings.ODOO_URL or "").rstrip("/")
    return f"{base}{path}" if base and path else ""


def odoo_record_url(model: str, record_id: int | None) -> str:
    """A record's form in Odoo, or "" when the record has no Odoo id yet."""
    return odoo_link(odoo_record_path(model, record_id)) if record_id and model else ""
