"""Cursor pagination: stable pages while rows are added, and no COUNT(*) over big tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.pagination import CursorPagination

from apps.api import conf

if TYPE_CHECKING:
    from rest_framework.request import Request


class ApiCursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    ordering = "-id"

    def get_page_size(self, request: Request) -> int:
        self.page_size = conf.PAGE_SIZE
        self.max_page_size = conf.MAX_PAGE_SIZE
        return super().get_page_size(request) or conf.PAGE_SIZE
