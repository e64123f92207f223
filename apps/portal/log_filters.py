"""Logging filters of the portal."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A refused or missing page (403, 404 and other 4xx) is one log line, never a traceback: the
    PermissionDenied or Http404 behind it is the portal working as meant, and a trace per refusal
    buries real errors. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
