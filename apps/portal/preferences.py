"""How the portal speaks to a person: their language and time zone.

Language: the one the person chose; else their linked Odoo user's (`OdooUserLink.odoo_lang`, so
people read the portal as they read Odoo); else the browser's (the language cookie, then
Accept-Language, as Django's LocaleMiddleware reads them); else `LANGUAGE_CODE`.
Time zone: the one the person chose; else, for people whose roles are all store roles, their store's
(their working day is the store's); else the portal's (`TIME_ZONE`).

The person's part is resolved at sign-in and kept in the session (a page costs no query for it);
saving preferences or signing in again resolves it anew.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from apps.organisation.models import RoleGrant
from apps.organisation.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from apps.notifications.models import NotificationSettings

SESSION_KEY = "ct_locale"


@dataclass(frozen=True)
class PersonLocale:
    """What the person's own settings say: `language` empty means "the browser's"."""

    language: str
    time_zone: str

    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_or_portal(self.time_zone)


def zone_or_portal(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def supported_language(code: str) -> str:
    """A portal language for a code from Odoo (`fr_FR`, `es_MX`, `en_US`) or a browser (`fr-CA`);
    empty when the portal does not speak it."""
    if not code:
        return ""
    try:
        return translation.get_supported_language_variant(code.replace("_", "-").lower())
    except LookupError:
        return ""


def default_time_zone(user: User) -> str:
    """A store manager's working day is the store's; everyone else's the portal's."""
    grants = list(user.role_grants.values_list("role", "store__timezone").order_by("store__code"))
    if grants and all(role == Role.STORE_MANAGER for role, _zone in grants):
        return grants[0][1] or settings.TIME_ZONE
    return settings.TIME_ZONE


def person_locale_of(user: User) -> PersonLocale:
    """The person's language (empty: the browser decides) and time zone, from their settings and
    their Odoo user."""
    found = (get_user_model().objects.filter(pk=user.pk)
             .values("notification_settings__language", "notification_settings__time_zone", "odoo_link__odoo_lang")
             .first())
    row: dict[str, Any] = dict(found) if found else {}
    language = (supported_language(row.get("notification_settings__language") or "")
                or supported_language(row.get("odoo_link__odoo_lang") or ""))
    time_zone = row.get("notification_settings__time_zone") or default_time_zone(user)
    return PersonLocale(language=language, time_zone=time_zone)


def people_locales(user_ids: Iterable[int]) -> dict[int, PersonLocale]:
    """For messages written away from any browser (notifications, e-mails): each person's language
    (their choice, else their Odoo user's, else the portal's) and zone, in two queries for everyone."""
    ids = sorted(set(user_ids))
    rows = get_user_model().objects.filter(pk__in=ids).values_list(
        "pk", "notification_settings__language", "notification_settings__time_zone", "odoo_link__odoo_lang")
    grants: dict[int, list[tuple[str, str]]] = {}
    for user_id, role, zone in (RoleGrant.objects.filter(user_id__in=ids).order_by("store__code")
                                .values_list("user_id", "role", "store__timezone")):
        grants.setdefault(user_id, []).append((role, zone or ""))
    found = {}
    for pk, chosen, zone, odoo_lang in rows:
        held = grants.get(pk, [])
        store_zone = held[0][1] if held and all(role == Role.STORE_MANAGER for role, _z in held) else ""
        found[pk] = PersonLocale(
            language=supported_language(chosen or "") or supported_language(odoo_lang or "")
            or settings.LANGUAGE_CODE, time_zone=zone or store_zone or settings.TIME_ZONE)
    return found


def person_locale(user: User, session: SessionBase | None = None) -> PersonLocale:
    """The person's locale, from the session when it holds it (resolved once per session)."""
    kept: Any = session.get(SESSION_KEY) if session is not None else None
    if isinstance(kept, dict) and kept.get("user") == user.pk:
        return PersonLocale(language=str(kept.get("language", "")), time_zone=str(kept.get("time_zone", "")))
    found = person_locale_of(user)
    if session is not None:
        session[SESSION_KEY] = {"user": user.pk, "language": found.language, "time_zone": found.time_zone}
    return found


def person_locale_forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def language_check(code: str) -> str:
    code = code.strip()
    if code and code not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the portal's languages.")})
    return code


def time_zone_check(name: str) -> str:
    name = name.strip()
    if name and name not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": _("“%(name)s” is not a time zone name (e.g. Europe/Paris).")
                               % {"name": name[:64]}})
    return name


@transaction.atomic
def person_locale_save(*, user: User, language: str | None = None, time_zone: str | None = None
                       ) -> NotificationSettings:
    """Save a person's language and/or time zone (None leaves one as it is; empty: the default). An
    unknown language or zone is refused and nothing changes."""
    from apps.notifications.models import NotificationSettings

    fields: dict[str, str] = {}
    if language is not None:
        fields["language"] = language_check(language)
    if time_zone is not None:
        fields["time_zone"] = time_zone_check(time_zone)
    chosen, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(chosen, name, value)
    if fields:
        chosen.save(update_fields=list(fields))
    return chosen


def remember_on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """A sign-in reads the person's settings and Odoo language afresh, into the new session (so no
    page pays for it)."""
    if request is not None and hasattr(request, "session"):
        person_locale_forget(request.session)
        person_locale(user, request.session)
