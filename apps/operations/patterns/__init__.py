"""Unusual patterns: a store's refunds and stock adjustments compared with its own recent weeks and with
its peers, explained in numbers. It opens an exception for a person to look at; it never blocks,
approves or refunds anything."""
