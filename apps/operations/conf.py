"""Settings of operational exceptions, read strictly from the environment (see README)."""

from __future__ import annotations

from controltower import env

# Seconds between periodic passes: product costs and activity stores from Odoo, then the rules
# re-run on the mirror (receipts turning late, severities growing, snoozes ending).
REFRESH_INTERVAL = env.integer("CT_EXCEPTIONS_REFRESH_INTERVAL", 30, minimum=5)
# How long a product's cost (standard_price) is trusted before it is fetched again.
PRODUCT_COST_MAX_AGE_HOURS = env.integer("CT_EXCEPTIONS_COST_MAX_AGE_HOURS", 24, minimum=1)
# The longest snooze a person may set.
MAX_SNOOZE_DAYS = env.integer("CT_EXCEPTIONS_MAX_SNOOZE_DAYS", 30, minimum=1)
# Rows per page of the exception list.
PAGE_SIZE = env.integer("CT_EXCEPTIONS_PAGE_SIZE", 50, minimum=5)

# Unusual patterns (refunds, stock adjustments): how often the detector runs, its threshold and the
# weekly volumes below which a store is too quiet to alert on.
PATTERNS_INTERVAL = env.integer("CT_PATTERNS_INTERVAL", 6 * 3600, minimum=60)
PATTERNS_THRESHOLD = env.decimal("CT_PATTERNS_THRESHOLD", 3.5, minimum=1)
PATTERNS_MIN_RATIO = env.decimal("CT_PATTERNS_MIN_RATIO", 2.0, minimum=1)
PATTERNS_MIN_REFUNDS = env.integer("CT_PATTERNS_MIN_REFUNDS", 8, minimum=1)
PATTERNS_MIN_REFUND_VALUE = env.decimal("CT_PATTERNS_MIN_REFUND_VALUE", 500, minimum=0)
PATTERNS_MIN_ADJUSTMENTS = env.integer("CT_PATTERNS_MIN_ADJUSTMENTS", 8, minimum=1)
PATTERNS_MIN_ADJUSTMENT_VALUE = env.decimal("CT_PATTERNS_MIN_ADJUSTMENT_VALUE", 200, minimum=0)
