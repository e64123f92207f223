"""Each person reads the portal in their own language and time zone: their choice, else their Odoo
user's language, else the browser's; their zone, else their store's (store managers), else the
portal's. The switcher keeps a browser's choice and a signed-in person's preference."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.approvals.models import OdooUserLink
from apps.notifications.models import Channel, NotificationKind, NotificationSettings
from apps.portal.odoo_languages import odoo_languages_refresh
from apps.portal.preferences import person_locale_of
from tests.factories import Network

pytestmark = pytest.mark.django_db


def signed_in(user: object, **headers: str) -> Client:
    client = Client(**headers)
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_sign_in_page_follows_the_browser() -> None:
    assert "Se connecter" in Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").get("/login/").content.decode()
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").get("/login/")
    assert "Iniciar sesión" in spanish.content.decode()
    assert spanish["Content-Language"] == "es"
    english = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").get("/login/").content.decode()
    assert "Sign in" in english
    assert '<html lang="en-gb">' in english


def test_the_switcher_keeps_a_browsers_choice_before_sign_in() -> None:
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr")
    response = browser.post("/language/", {"language": "es", "next": "/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert "Iniciar sesión" in browser.get("/login/").content.decode()
    elsewhere = browser.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert "evil.example" not in elsewhere.get("Location", "")


def test_a_signed_in_persons_choice_is_kept_on_their_preferences(network: Network) -> None:
    client = signed_in(network.regional_north, HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/language/", {"language": "fr", "next": "/approvals/"})["Location"] == "/approvals/"
    assert NotificationSettings.objects.get(user=network.regional_north).language == "fr"
    assert "Validations" in client.get("/approvals/").content.decode()
    other_device = signed_in(network.regional_north, HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="fr">' in other_device.get("/approvals/").content.decode()
    assert client.post("/language/", {"language": "tlh"}).status_code == 400
    assert NotificationSettings.objects.get(user=network.regional_north).language == "fr"


def test_the_switcher_answers_anonymous_people_too_but_saves_nothing(network: Network) -> None:
    assert Client().post("/language/", {"language": "fr"}).status_code == 302
    assert not NotificationSettings.objects.exists()


def test_the_odoo_users_language_is_the_default_and_a_choice_wins(network: Network) -> None:
    OdooUserLink.objects.create(user=network.hq, odoo_user_id=7, odoo_lang="es_ES")
    assert person_locale_of(network.hq).language == "es"
    assert "Panel de la sede central" in signed_in(network.hq, HTTP_ACCEPT_LANGUAGE="fr") \
        .get("/dashboards/hq/").content.decode()
    NotificationSettings.objects.create(user=network.hq, language="fr")
    assert person_locale_of(network.hq).language == "fr"
    OdooUserLink.objects.filter(user=network.hq).update(odoo_lang="de_DE")  # not a portal language
    NotificationSettings.objects.filter(user=network.hq).update(language="")
    assert person_locale_of(network.hq).language == ""  # the browser decides
    assert "Tableau de bord du siège" in signed_in(network.hq, HTTP_ACCEPT_LANGUAGE="fr") \
        .get("/dashboards/hq/").content.decode()


def test_time_zones_default_to_the_store_for_store_managers_and_the_portal_otherwise(network: Network,
                                                                                    settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Europe/London"
    network.store_a.timezone = "America/New_York"
    network.store_a.save()
    assert person_locale_of(network.manager_a).time_zone == "America/New_York"
    assert person_locale_of(network.regional_north).time_zone == "Europe/London"
    NotificationSettings.objects.create(user=network.manager_a, time_zone="Asia/Tokyo")
    assert person_locale_of(network.manager_a).time_zone == "Asia/Tokyo"
    page = signed_in(network.regional_north).get("/notifications/preferences/").content.decode()
    assert 'placeholder="Europe/London"' in page


def test_preferences_save_the_language_and_time_zone(network: Network) -> None:
    client = signed_in(network.manager_a)
    form = {f"channel-{kind}": Channel.PORTAL for kind in NotificationKind.values}
    form |= {"language": "es", "time_zone": "Europe/Madrid"}
    response = client.post("/notifications/preferences/", form, follow=True)
    assert "Sus preferencias se han guardado." in response.content.decode()
    chosen = NotificationSettings.objects.get(user=network.manager_a)
    assert (chosen.language, chosen.time_zone) == ("es", "Europe/Madrid")
    refused = client.post("/notifications/preferences/", form | {"language": "xx"})
    assert refused.status_code == 400
    assert NotificationSettings.objects.get(user=network.manager_a).language == "es"
    assert Client().get("/notifications/preferences/").status_code == 302  # anonymous: to the sign-in


def test_the_odoo_users_language_is_read_from_odoo(network: Network, odoo) -> None:  # type: ignore[no-untyped-def]
    uid = odoo.search("res.users", [["login", "=", "admin"]])[0]
    odoo.write("res.users", [uid], {"lang": "fr_FR"})
    OdooUserLink.objects.create(user=network.hq, odoo_user_id=uid, odoo_login="admin")
    assert odoo_languages_refresh(gateway=odoo) == 1
    assert OdooUserLink.objects.get(user=network.hq).odoo_lang == "fr_FR"
    assert odoo_languages_refresh(gateway=odoo) == 0  # nothing changed
    assert '<html lang="fr">' in signed_in(network.hq).get("/dashboards/hq/").content.decode()


def test_odoo_away_changes_no_language(network: Network, odoo, odoo_server) -> None:  # type: ignore[no-untyped-def]
    OdooUserLink.objects.create(user=network.hq, odoo_user_id=2, odoo_lang="es_ES")
    odoo_server.faults.down = True
    assert odoo_languages_refresh(gateway=odoo) == 0
    assert OdooUserLink.objects.get(user=network.hq).odoo_lang == "es_ES"
