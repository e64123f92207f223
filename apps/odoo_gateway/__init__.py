"""The Odoo gateway: the only part of Control Tower that talks to Odoo.

Everything else imports from here: `get_gateway()` for the process's gateway, the error classes to
catch, and the value helpers for Odoo's wire idioms.
"""

from __future__ import annotations

from .config import OdooConfig
from .errors import (
    OdooAccessDenied,
    OdooAuthError,
    OdooBusinessRuleRefused,
    OdooError,
    OdooMalformedAnswer,
    OdooProgrammingError,
    OdooRecordMissing,
    OdooUnavailable,
)
from .gateway import OdooGateway, get_gateway, reset_gateway
from .values import (
    OdooVersion,
    format_odoo_date,
    format_odoo_datetime,
    m2o_id,
    m2o_name,
    parse_odoo_date,
    parse_odoo_datetime,
    parse_odoo_datetime_or_none,
)

__all__ = [
    "OdooAccessDenied",
    "OdooAuthError",
    "OdooBusinessRuleRefused",
    "OdooConfig",
    "OdooError",
    "OdooGateway",
    "OdooMalformedAnswer",
    "OdooProgrammingError",
    "OdooRecordMissing",
    "OdooUnavailable",
    "OdooVersion",
    "format_odoo_date",
    "format_odoo_datetime",
    "get_gateway",
    "m2o_id",
    "m2o_name",
    "parse_odoo_date",
    "parse_odoo_datetime",
    "parse_odoo_datetime_or_none",
    "reset_gateway",
]
