"""A bounded set of threads for the synchronous work of HTTP requests under ASGI.

Django runs each request's views and middleware through asgiref's `sync_to_async` in a context of
its own (`ThreadSensitiveContext`), and asgiref starts a new thread for every such context: fifty
requests at once are fifty threads, each opening its own database connection. asgiref reads no
setting for this (the old `ASGI_THREADS` variable is gone), but a context may be given an executor.
This middleware keeps `size` single-thread executors and lends one to each HTTP request for its
whole life; a request that finds none free waits for one. Together with the connection pool
(`CT_DB_POOL_MAX_SIZE`) it bounds what a web process asks of PostgreSQL.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext

Scope = dict[str, Any]


class BoundedSyncThreads:
    def __init__(self, app: Any, size: int) -> None:
        self.app, self.size = app, size
        self._executors = [ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ct-request-{n}")
                           for n in range(size)]
        self._idle: dict[asyncio.AbstractEventLoop, asyncio.Queue[ThreadPoolExecutor]] = {}

    def _queue(self) -> asyncio.Queue[ThreadPoolExecutor]:
        loop = asyncio.get_running_loop()
        if loop not in self._idle:  # one server loop in production; tests may run several in turn
            self._idle.clear()
            queue: asyncio.Queue[ThreadPoolExecutor] = asyncio.Queue()
            for executor in self._executors:
                queue.put_nowait(executor)
            self._idle[loop] = queue
        return self._idle[loop]

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        idle = self._queue()
        executor = await idle.get()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            idle.put_nowait(executor)
