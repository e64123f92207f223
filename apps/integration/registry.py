"""What the integration app plugs into the portal (installed by IntegrationConfig.ready())."""

from apps.integration.executors import store_assign_execute
from apps.integration.services import ASSIGN_KIND

EXECUTORS = {ASSIGN_KIND: store_assign_execute}  # a record no store claimed, assigned in Odoo
