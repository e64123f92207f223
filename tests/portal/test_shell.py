from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, Network


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_it_sends_anonymous_visitors_to_sign_in(network: Network) -> None:
    response = Client().get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_signs_in_with_the_right_password_and_out_again(network: Network) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == "manager_a"
    assert b"N01" in response.content
    response = client.post(reverse("logout"), follow=True)
    assert response.context["user"].is_anonymous


def test_it_refuses_a_wrong_password_with_a_message(network: Network) -> None:
    response = Client().post(reverse("login"), {"username": "manager_a", "password": "wrong"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert not response.context["user"].is_authenticated


def test_it_locks_out_after_repeated_failures_even_with_the_right_password(network: Network, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "manager_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert not Client().get(reverse("portal:home")).wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    ("person", "sees", "hidden"),
    [
        ("manager_a", ["N01"], ["N02", "S01"]),
        ("manager_c", ["S01"], ["N01", "S02"]),
        ("regional_north", ["N01", "N02", "North"], ["S01", "S02"]),
        ("hq", ["N01", "N02", "S01", "S02"], []),
    ],
)
def test_it_shows_each_role_only_its_stores_on_home(network: Network, person: str, sees: list[str],
                                                    hidden: list[str]) -> None:
    response = signed_in(getattr(network, person)).get(reverse("portal:home"))
    body = response.content.decode()
    for text in sees:
        assert text in body
    for text in hidden:
        assert f"<td>{text}</td>" not in body


def test_it_tells_a_person_without_a_role_to_ask_for_one(network: Network) -> None:
    body = signed_in(network.nobody).get(reverse("portal:home")).content.decode()
    assert "no role in the portal yet" in body
    assert 'href="/admin/"' not in body


def test_it_offers_the_admin_only_to_operations(network: Network) -> None:
    assert 'href="/admin/"' in signed_in(network.ops).get(reverse("portal:home")).content.decode()
    for person in (network.manager_a, network.regional_north, network.hq):
        assert 'href="/admin/"' not in signed_in(person).get(reverse("portal:home")).content.decode()


def test_it_lets_operations_grant_a_role_in_the_admin_and_audits_it(network: Network) -> None:
    from apps.audit.models import AuditEvent
    from apps.organisation.models import RoleGrant

    network.ops.user_permissions.add(*_grant_admin_perms())
    response = signed_in(network.ops).post(
        "/admin/organisation/rolegrant/add/",
        {"user": network.nobody.pk, "role": "store_manager", "store": network.store_b.pk, "region": ""},
    )
    assert response.status_code == 302, response.content[:2000]
    grant = RoleGrant.objects.get(user=network.nobody)
    assert grant.granted_by == network.ops
    assert AuditEvent.objects.filter(action="role.granted", actor=network.ops, store=network.store_b).exists()


def _grant_admin_perms():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="organisation", codename__endswith="rolegrant")


def test_it_explains_a_refusal_on_the_403_page(network: Network, rf) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import PermissionDenied

    from apps.portal.errors import permission_denied

    request = rf.get("/")
    request.user = network.manager_a
    response = permission_denied(request, PermissionDenied("Deciding approvals needs the regional manager role."))
    assert response.status_code == 403
    assert b"Deciding approvals needs the regional manager role." in response.content


def test_it_marks_html_responses_as_varying_on_htmx(network: Network) -> None:
    response = signed_in(network.manager_a).get(reverse("portal:home"))
    assert "HX-Request" in response["Vary"]


def test_it_serves_htmx_and_its_websocket_extension_locally(network: Network) -> None:
    body = signed_in(network.manager_a).get(reverse("portal:home")).content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in body
    assert "/static/django_htmx/ext/hx-ws-2.min.js" in body
    assert "https://" not in body
    assert 'hx-headers=\'{"X-CSRFToken"' in body


def test_it_answers_liveness_without_authentication_or_details(db: None) -> None:
    response = Client(HTTP_HOST="10.1.2.3").get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
