"""What floor counts plug into the portal (installed by AdjustmentsConfig.ready(), see controltower.registries)."""

from apps.adjustments.executors import count_outcome, count_set
from apps.adjustments.selectors import count_values
from apps.adjustments.services import COUNT_SET_WRITEBACK

EXECUTORS = {COUNT_SET_WRITEBACK: count_set}  # the count set in Odoo (inventory mode)
OUTCOMES = {COUNT_SET_WRITEBACK: count_outcome}
POLICY_AMOUNTS = [count_values]  # a reported count's approval is judged by the value of its difference
