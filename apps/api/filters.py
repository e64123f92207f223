"""Filter fields that refuse values the database cannot compare, with a 400 instead of a 500."""

from __future__ import annotations

from datetime import datetime, timedelta

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField

MAX_OFFSET = timedelta(hours=14)  # the widest real time zone; PostgreSQL refuses far larger offsets


class BoundedIsoDateTimeField(IsoDateTimeField):
    def clean(self, value: object) -> datetime | None:
        parsed: datetime | None = super().clean(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            raise forms.ValidationError("The time zone offset must be between -14:00 and +14:00.")
        if parsed.year < 1900:
            raise forms.ValidationError("The date must be in 1900 or later.")
        return parsed


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter bounded to what PostgreSQL accepts."""

    field_class = BoundedIsoDateTimeField
