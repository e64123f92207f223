"""Every sandbox model, one module per Odoo area. Importing this package registers them."""

from . import (
    account,
    account_lines,
    automation,
    base,
    expense,
    ir,
    ir_fields,
    ir_views,
    mail,
    mail_outgoing,
    maintenance,
    project,
    purchase,
    stock,
    stock_moves,
    stock_ops,
)

__all__ = [
    "account",
    "account_lines",
    "automation",
    "base",
    "expense",
    "ir",
    "ir_fields",
    "ir_views",
    "mail",
    "mail_outgoing",
    "maintenance",
    "project",
    "purchase",
    "stock",
    "stock_moves",
    "stock_ops",
]
