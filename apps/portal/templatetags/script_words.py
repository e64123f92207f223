"""`{% script_catalog_url %}`: the address of the scripts' words (JavaScript catalog) in the active language."""

from __future__ import annotations

from django import template

from apps.portal.jsi18n import catalog_url

register = template.Library()


@register.simple_tag
def script_catalog_url() -> str:
    return catalog_url()
