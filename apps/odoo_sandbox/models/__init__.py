"""Every sandbox model, one module per Odoo area. Importing this package registers them."""

from . import account, automation, base, expense, ir, mail, maintenance, project, purchase, stock, stock_ops

__all__ = [
    "account",
    "automation",
    "base",
    "expense",
    "ir",
    "mail",
    "maintenance",
    "project",
    "purchase",
    "stock",
    "stock_ops",
]
