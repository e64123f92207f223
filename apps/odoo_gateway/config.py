"""How to reach Odoo: one frozen value built once per process from settings.

The secrets live here and nowhere else in the gateway. `repr()` hides them, so a config printed in
a log line, a debugger or a Sentry frame never shows a password or API key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from .errors import REDACTED

TransportChoice = Literal["auto", "jsonrpc", "json2"]
TRANSPORT_CHOICES: tuple[TransportChoice, ...] = ("auto", "jsonrpc", "json2")


@dataclass(frozen=True, repr=False)
class OdooConfig:
    """Connection settings for one Odoo database and one integration user.

    `transport="auto"` picks JSON-2 on Odoo 19+ when an API key is configured, JSON-RPC otherwise.
    JSON-RPC authenticates with the password, or with the API key when no password is set (Odoo
    accepts an API key in place of the password over RPC). JSON-2 needs the API key.
    """

    url: str
    db: str
    login: str
    password: str | None = None
    api_key: str | None = None
    transport: TransportChoice = "auto"
    timeout: float = 10.0
    retries: int = 2

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("Odoo URL must look like http(s)://host[:port]")
        if parts.username or parts.password:
            # Credentials in the URL would travel into every log line and error that names it.
            raise ValueError("Odoo URL must not contain credentials; use the login/password settings")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("Odoo URL must be the server root (odoorpc cannot use a path prefix)")
        try:
            _ = parts.port  # raises ValueError on a bad port
        except ValueError as exc:
            raise ValueError("Odoo URL has an invalid port") from exc
        object.__setattr__(self, "url", f"{parts.scheme}://{parts.netloc}")
        if not self.db or not self.login:
            raise ValueError("Odoo database and login must be set")
        if self.transport not in TRANSPORT_CHOICES:
            raise ValueError(f"Odoo transport must be one of {', '.join(TRANSPORT_CHOICES)}")
        if not self.password and not self.api_key:
            raise ValueError("Odoo needs a password or an API key")
        if self.transport == "json2" and not self.api_key:
            raise ValueError("The JSON-2 transport needs an API key")
        if not self.timeout > 0:
            raise ValueError("Odoo timeout must be a positive number of seconds")
        if self.retries < 0:
            raise ValueError("Odoo retries must be zero or more")

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential this config holds, for scrubbing logs and messages."""
        return tuple(s for s in (self.password, self.api_key) if s)

    @property
    def rpc_secret(self) -> str:
        """What JSON-RPC sends as the password: the password, else the API key."""
        return cast(str, self.password or self.api_key)

    def __repr__(self) -> str:
        def hidden(value: str | None) -> str:
            return repr(REDACTED) if value else "None"

        return (
            f"OdooConfig(url={self.url!r}, db={self.db!r}, login={self.login!r}, "
            f"password={hidden(self.password)}, api_key={hidden(self.api_key)}, "
            f"transport={self.transport!r}, timeout={self.timeout!r}, retries={self.retries!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_settings(cls, settings: Any = None) -> OdooConfig:
        """The config from Django settings `ODOO_*` (or from any object with those attributes).

        Django is imported here only, so the gateway stays usable (and testable) without it.
        """
        if settings is None:
            from django.conf import settings as django_settings

            settings = django_settings

        def setting(name: str, default: Any = None) -> Any:
            return getattr(settings, name, default)

        transport = str(setting("ODOO_TRANSPORT", "auto") or "auto").strip().lower()
        if transport not in TRANSPORT_CHOICES:
            raise ValueError(f"ODOO_TRANSPORT must be one of {', '.join(TRANSPORT_CHOICES)}")
        try:
            timeout = float(setting("ODOO_TIMEOUT", 10.0) or 10.0)
            retries = int(setting("ODOO_RETRIES", 2))
        except (TypeError, ValueError) as exc:
            raise ValueError("ODOO_TIMEOUT must be a number and ODOO_RETRIES an integer") from exc
        return cls(
            url=str(setting("ODOO_URL", "") or ""),
            db=str(setting("ODOO_DB", "") or ""),
            login=str(setting("ODOO_LOGIN", "") or ""),
            password=setting("ODOO_PASSWORD") or None,
            api_key=setting("ODOO_API_KEY") or None,
            transport=transport,
            timeout=timeout,
            retries=retries,
        )
