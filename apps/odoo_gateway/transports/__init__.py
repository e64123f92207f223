"""The two ways of talking to Odoo: JSON-RPC (through odoorpc) and JSON-2 (standard library)."""
