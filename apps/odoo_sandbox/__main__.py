"""`python -m apps.odoo_sandbox --port 8069 [--simulate 5] [--odoo-version 19.0]`"""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
