"""Every model in the Django admin, for every role: operations admins get exactly what the README's
"Operations in the admin" table promises (list, add, change, delete), everyone else is sent to the
admin's sign-in. The expectations are written out here, not read from the code under test."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from tests.factories import Network

pytestmark = pytest.mark.django_db

# v: list and open, a: add, c: change, d: delete. Models not listed: nothing at all for operations.
OPERATIONS = {
    "auth.user": "vac",
    "organisation.region": "vac",
    "organisation.store": "vac",
    "organisation.storegroup": "vacd",
    "organisation.rolegrant": "vad",
    "api.serviceaccount": "v",
    "api.apitoken": "va",
    "sync.feed": "vac",
    "sync.syncrun": "v",
    "sync.mirrorrecord": "v",
    "sync.pendingrefetch": "v",
    "sync.webhookrejection": "v",
    "approvals.approvalpolicy": "vac",
    "approvals.odoouserlink": "vacd",
    "approvals.approvalrequest": "v",
    "operations.exceptionrule": "vc",
    "operations.opsexception": "v",
    "operations.patterncheck": "v",
    "adjustments.adjustmentreason": "vac",
    "adjustments.stockcountreport": "v",
    "writeback.writeback": "v",
    "webhooks.webhooksubscription": "vd",
    "webhooks.webhookdelivery": "v",
    "health.healthsignal": "v",
    "health.healthevent": "v",
    "health.workerheartbeat": "v",
    "audit.auditevent": "v",
    "incidents.storeincident": "v",
    "incidents.triagesuggestion": "v",
    "axes.accessattempt": "vd",
    "directives.directivetemplate": "vacd",
    "directives.directive": "v",
    "directives.storedirective": "v",
    "directives.readinesssummary": "v",
}
MODELS = sorted((model._meta.label_lower, model) for model in admin.site._registry)
OTHER_ROLES = ["hq", "regional_north", "manager_a", "nobody"]


def url(model: Any, page: str) -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{page}"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_table_covers_every_registered_model() -> None:
    unlisted = {label for label, _ in MODELS} - set(OPERATIONS)
    assert unlisted == {"auth.group", "axes.accesslog", "axes.accessfailurelog"}


@pytest.mark.parametrize(("label", "model"), MODELS, ids=[label for label, _ in MODELS])
def test_operations_get_exactly_the_promised_permissions(network: Network, label: str, model: Any) -> None:
    promised = OPERATIONS.get(label, "")
    client = signed_in(network.ops)
    listing = client.get(url(model, ""))
    assert listing.status_code == (200 if "v" in promised else 403), label
    assert client.get(url(model, "add/")).status_code == (200 if "a" in promised else 403), label
    request = RequestFactory().get("/admin/")
    request.user = network.ops
    model_admin = admin.site._registry[model]
    assert model_admin.has_change_permission(request) == ("c" in promised), label
    assert model_admin.has_delete_permission(request) == ("d" in promised), label
    if "v" in promised:
        assert f'href="{url(model, "add/")}"' in listing.content.decode() or "a" not in promised


@pytest.mark.parametrize("person", OTHER_ROLES)
def test_no_other_role_reaches_the_admin(network: Network, person: str) -> None:
    client = signed_in(getattr(network, person))
    for label, model in MODELS:
        for page in ("", "add/"):
            response = client.get(url(model, page))
            assert response.status_code == 302, (label, page)
            assert response["Location"].startswith("/admin/login/"), (label, page)


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get("/admin/writeback/writeback/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_admin_index_lists_what_operations_may_open(network: Network) -> None:
    page = signed_in(network.ops).get("/admin/").content.decode()
    assert 'href="/admin/organisation/rolegrant/"' in page
    assert 'href="/admin/writeback/writeback/"' in page
    assert 'href="/admin/auth/group/"' not in page


def test_operations_edit_people_but_not_their_rights(network: Network) -> None:
    client = signed_in(network.ops)
    form = client.get(f"/admin/auth/user/{network.manager_a.pk}/change/").content.decode()
    assert 'name="email"' in form
    assert 'name="is_active"' in form
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in form, field
    response = client.post(f"/admin/auth/user/{network.manager_a.pk}/change/", {
        "username": "manager_a", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
        "is_active": "on", "is_superuser": "on", "is_staff": "on"})
    assert response.status_code == 302
    network.manager_a.refresh_from_db()
    assert network.manager_a.email == "ann@example.com"
    assert not network.manager_a.is_superuser
    assert not network.manager_a.is_staff


def test_operations_leave_superusers_alone(network: Network) -> None:
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root")
    client = signed_in(network.ops)
    assert client.get(f"/admin/auth/user/{root.pk}/password/").status_code == 403
    response = client.post(f"/admin/auth/user/{root.pk}/change/", {"username": "root", "is_active": ""})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_operations_grant_a_role_in_the_admin(network: Network) -> None:
    from apps.organisation.models import RoleGrant

    response = signed_in(network.ops).post("/admin/organisation/rolegrant/add/", {
        "user": network.nobody.pk, "role": "store_manager", "store": network.store_b.pk, "region": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert RoleGrant.objects.filter(user=network.nobody, store=network.store_b).exists()
