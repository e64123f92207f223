"""`OdooGateway`: the one typed door to Odoo that the rest of the product uses.

Rules it enforces, and why:

- **Transport from the server version.** Odoo 19+ with an API key gets JSON-2 (JSON-RPC is
  deprecated there, and the 19.0 server announces its removal in 20); anything older, or no key, gets
  JSON-RPC (readiness and the health page then say "JSON-RPC is removed in Odoo 20: set an API key").
- **Retries only where they are safe.** A read that fails transiently (`OdooUnavailable`) is tried
  again with a short backoff. A write or business method is never repeated here: after a timeout we
  cannot know whether Odoo applied it, and the outbox above re-checks and re-applies idempotently.
  Connecting (version probe, login) changes nothing in Odoo, so it is retried even before a write.
- **Lazy.** Nothing is sent until the first call; a failed connect is simply tried again next time.
- **Counted.** `rpc_count` is the number of HTTP requests put on the wire, login and probe included,
  so tests and benchmarks can pin round trips the way query counts are pinned.
- **No secrets out.** Config repr, error messages and log lines never show the password or key.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .answers import Record, as_count, as_id_list, as_one_id, as_records, as_write_result, record_ids
from .config import OdooConfig
from .errors import OdooProgrammingError, OdooUnavailable
from .server_version import fetch_server_version
from .transports.base import RemoteCall, RpcCounter, Transport, as_ids
from .transports.json2 import USER_AGENT, Json2Transport
from .transports.jsonrpc import JsonRpcTransport
from .transports.wire import HttpClient
from .values import OdooVersion

logger = logging.getLogger(__name__)

Domain = Sequence[Any]
T = TypeVar("T")

JSON2_MIN_MAJOR = 19
_MODEL_NAME = re.compile(r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
_METHOD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class OdooGateway:
    """Typed access to one Odoo database as one integration user. Thread-safe."""

    def __init__(
        self,
        config: OdooConfig,
        *,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._backoff = backoff
        self._sleep = sleep
        self._counter = RpcCounter()
        self._http = HttpClient(config.url, timeout=config.timeout, counter=self._counter, user_agent=USER_AGENT)
        self._lock = threading.RLock()
        self._version: OdooVersion | None = None
        self._transport: Transport | None = None

    def __repr__(self) -> str:
        return f"OdooGateway(config={self.config!r}, transport={self.transport_name!r})"

    # -- bookkeeping ---------------------------------------------------------------------------

    @property
    def rpc_count(self) -> int:
        """HTTP requests sent to Odoo since creation or the last `reset_rpc_count()`."""
        return self._counter.value

    def reset_rpc_count(self) -> None:
        self._counter.reset()

    @property
    def transport_name(self) -> str | None:
        """`"jsonrpc"` or `"json2"` once connected, None before."""
        transport = self._transport
        return transport.name if transport is not None else None

    def close(self) -> None:
        """Drop connections and the login; the next call connects again."""
        with self._lock:
            if self._transport is not None:
                self._transport.close()
            self._transport = None
            self._http.close()

    # -- connecting ----------------------------------------------------------------------------

    def version(self) -> OdooVersion:
        """The server's version (probed once, then cached)."""
        return self._retrying("version", self._cached_version, retries=self.config.retries)

    def _cached_version(self) -> OdooVersion:
        with self._lock:
            if self._version is None:
                self._version = fetch_server_version(self._http, secrets=self.config.secrets)
            return self._version

    def _ready_transport(self) -> Transport:
        return self._retrying("connect", self._connect, retries=self.config.retries)

    def _connect(self) -> Transport:
        with self._lock:
            if self._transport is None:
                self._transport = self._choose_transport()
            transport = self._transport
        transport.connect()
        return transport

    def _choose_transport(self) -> Transport:
        choice = self.config.transport
        if choice == "json2":
            return Json2Transport(self.config, self._counter, client=self._http)
        version = self._cached_version()
        if choice == "auto" and version.major >= JSON2_MIN_MAJOR:
            if self.config.api_key:
                return Json2Transport(self.config, self._counter, client=self._http)
            logger.warning(
                "Odoo %s deprecates JSON-RPC (removed in Odoo 20): set ODOO_API_KEY to use JSON-2",
                version,
            )
        return JsonRpcTransport(self.config, self._counter, server_version=f"{version.major}.{version.minor}")

    # -- running calls -------------------------------------------------------------------------

    def _retrying(self, what: str, action: Callable[[], T], *, retries: int) -> T:
        attempt = 1
        while True:
            try:
                return action()
            except OdooUnavailable as exc:
                if attempt > retries:
                    raise
                delay = self._backoff * (2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
                logger.warning(
                    "Odoo %s failed transiently (attempt %d of %d), retrying in %.2fs: %s",
                    what, attempt, retries + 1, delay, exc,
                )
                self._sleep(delay)
                attempt += 1

    def _run(self, call: RemoteCall, *, read_only: bool) -> Any:
        _check_names(call.model, call.method)
        what = f"{call.model}.{call.method}"

        if read_only:
            return self._retrying(what, lambda: self._execute(self._connect(), call), retries=self.config.retries)
        return self._execute(self._ready_transport(), call)

    def _execute(self, transport: Transport, call: RemoteCall) -> Any:
        started = time.monotonic()
        result = transport.execute(call)
        logger.debug(
            "Odoo %s.%s via %s in %.0fms", call.model, call.method, transport.name,
            (time.monotonic() - started) * 1000,
        )
        return result

    # -- reads (retried on transient failure) --------------------------------------------------

    def search_read(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        *,
        order: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        context: dict[str, Any] | None = None,
    ) -> list[Record]:
        """Records matching `domain`; page with `order`, `limit`, `offset` (e.g. by write_date)."""
        keywords: dict[str, Any] = {"fields": list(fields)}
        _put(keywords, order=order, limit=limit, offset=offset or None)
        call = RemoteCall(
            model, "search_read", positional=(("domain", list(domain)),), keywords=keywords, context=context
        )
        return as_records(self._run(call, read_only=True), call)

    def read(
        self, model: str, ids: int | Sequence[int], fields: Sequence[str], *, context: dict[str, Any] | None = None
    ) -> list[Record]:
        """The records with these ids; ids that do not exist are silently absent (Odoo's rule)."""
        call = RemoteCall(model, "read", ids=as_ids(ids), positional=(("fields", list(fields)),), context=context)
        return as_records(self._run(call, read_only=True), call)

    def search(
        self,
        model: str,
        domain: Domain,
        *,
        limit: int | None = None,
        order: str | None = None,
        offset: int = 0,
        context: dict[str, Any] | None = None,
    ) -> list[int]:
        """Ids of the records matching `domain`."""
        keywords: dict[str, Any] = {}
        _put(keywords, offset=offset or None, limit=limit, order=order)
        call = RemoteCall(model, "search", positional=(("domain", list(domain)),), keywords=keywords, context=context)
        return as_id_list(self._run(call, read_only=True), call)

    def search_count(self, model: str, domain: Domain, *, context: dict[str, Any] | None = None) -> int:
        """How many records match `domain`."""
        call = RemoteCall(model, "search_count", positional=(("domain", list(domain)),), context=context)
        return as_count(self._run(call, read_only=True), call)

    def field_labels(self, model: str, fields: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Each field's label as Odoo shows it and its type (`fields_get`): {"price_unit": ("Unit
        Price", "float")}. Fields Odoo does not have are absent."""
        call = RemoteCall(model, "fields_get", keywords={"allfields": list(fields), "attributes": ["string", "type"]})
        answer = self._run(call, read_only=True)
        if not isinstance(answer, dict):
            return {}
        return {name: (str(info.get("string") or name), str(info.get("type") or ""))
                for name, info in answer.items() if isinstance(info, dict)}

    def read_group(
        self,
        model: str,
        domain: Domain,
        fields: Sequence[str],
        groupby: Sequence[str],
        *,
        lazy: bool = True,
        context: dict[str, Any] | None = None,
    ) -> list[Record]:
        """Grouped aggregates, e.g. `fields=['amount_total:sum'], groupby=['state']`.

        Odoo counts each group in `__count` when `lazy=False`, in `<groupby>_count` when lazy.
        """
        call = RemoteCall(
            model,
            "read_group",
            positional=(("domain", list(domain)), ("fields", list(fields)), ("groupby", list(groupby))),
            keywords={"lazy": lazy},
            context=context,
        )
        return as_records(self._run(call, read_only=True), call)

    # -- writes (never retried here) -----------------------------------------------------------

    def create(self, model: str, values: dict[str, Any], *, context: dict[str, Any] | None = None) -> int:
        """Create one record and return its id."""
        call = RemoteCall(model, "create", positional=(("vals_list", values),), context=context)
        return as_one_id(self._run(call, read_only=False), call)

    def write(
        self,
        model: str,
        ids: int | Sequence[int],
        values: dict[str, Any],
        *,
        context: dict[str, Any] | None = None,
    ) -> bool:
        """Write `values` on the records; True on success (Odoo raises otherwise)."""
        call = RemoteCall(model, "write", ids=as_ids(ids), positional=(("vals", values),), context=context)
        return as_write_result(self._run(call, read_only=False), call)

    def call(
        self,
        model: str,
        method: str,
        ids: int | Sequence[int] | None,
        *args: Any,
        context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Run a business method (`button_confirm`, `action_post`...) and return Odoo's raw result.

        `ids=None` calls a model-level method. None comes back when Odoo omitted `result` (the
        method returned None, e.g. `button_cancel`): that is success. Never retried automatically.
        JSON-2 takes named parameters only, so prefer keywords over `*args`. A method that answers
        records goes through `call_for_ids` / `call_for_id` instead: their shape differs by version.
        """
        call = _business_call(model, method, ids, args, kwargs, context)
        return self._run(call, read_only=False)

    def call_for_ids(
        self, model: str, method: str, ids: int | Sequence[int] | None, *,
        context: dict[str, Any] | None = None, **kwargs: Any,
    ) -> list[int]:
        """Run a business method that answers records and return their ids (`false`/None: none), the
        same on Odoo 16-19 over either transport (`answers.record_ids`)."""
        call = _business_call(model, method, ids, (), kwargs, context)
        return record_ids(self._run(call, read_only=False), call, none_is_empty=True)

    def call_for_id(
        self, model: str, method: str, ids: int | Sequence[int] | None, *,
        context: dict[str, Any] | None = None, **kwargs: Any,
    ) -> int:
        """Run a business method that answers exactly one record (`activity_schedule` on one record)."""
        call = _business_call(model, method, ids, (), kwargs, context)
        return as_one_id(self._run(call, read_only=False), call)

    def message_post(
        self,
        model: str,
        record_id: int,
        body: str,
        *,
        body_is_html: bool = False,
        subtype_xmlid: str = "mail.mt_note",
        attachment_ids: Sequence[int] = (),
        context: dict[str, Any] | None = None,
    ) -> int:
        """Post in one record's chatter; returns the `mail.message` id.

        A plain `body` is HTML-escaped by Odoo; pass `body_is_html=True` to keep markup. The default
        subtype is an internal note, which notifies no follower outside the company.
        """
        keywords: dict[str, Any] = {"body": body, "message_type": "comment", "subtype_xmlid": subtype_xmlid}
        if body_is_html:
            keywords["body_is_html"] = True
        if attachment_ids:
            keywords["attachment_ids"] = list(attachment_ids)
        return self.call_for_id(model, "message_post", record_id, context=context, **keywords)


def _business_call(
    model: str, method: str, ids: int | Sequence[int] | None, args: tuple[Any, ...], kwargs: dict[str, Any],
    context: dict[str, Any] | None,
) -> RemoteCall:
    if method.startswith("_"):
        # Odoo refuses these with AccessError; that is our bug, not a missing right.
        raise OdooProgrammingError(
            f"Private methods such as {method} cannot be called remotely", model=model, method=method
        )
    return RemoteCall(
        model,
        method,
        ids=None if ids is None else as_ids(ids),
        positional=tuple((None, arg) for arg in args),
        keywords=dict(kwargs),
        context=context,
    )


def _put(target: dict[str, Any], **values: Any) -> None:
    """Add only the keywords that are set, so requests stay as small as the recorded ones."""
    target.update({key: value for key, value in values.items() if value is not None})


def _check_names(model: str, method: str) -> None:
    if not _MODEL_NAME.match(model) or not _METHOD_NAME.match(method):
        raise OdooProgrammingError(f"Not an Odoo model/method name: {model!r}.{method!r}", model=model, method=method)


# -- one gateway per process ---------------------------------------------------------------------

_gateway: OdooGateway | None = None
_gateway_lock = threading.Lock()


def get_gateway() -> OdooGateway:
    """The process's gateway, built from Django settings on first use (thread-safe)."""
    global _gateway
    gateway = _gateway
    if gateway is None:
        with _gateway_lock:
            if _gateway is None:
                _gateway = OdooGateway(OdooConfig.from_settings())
            gateway = _gateway
    return gateway


def reset_gateway() -> None:
    """Forget the process's gateway (tests, settings changes); the next `get_gateway()` rebuilds it."""
    global _gateway
    with _gateway_lock:
        if _gateway is not None:
            _gateway.close()
        _gateway = None


def _forget_after_fork() -> None:
    # A forked worker (Celery prefork, gunicorn) must not share the parent's keep-alive sockets or
    # a lock another thread held at fork time: it builds its own gateway on first use.
    global _gateway, _gateway_lock
    _gateway = None
    _gateway_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
