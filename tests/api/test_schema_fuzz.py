"""Schema-driven fuzzing (schemathesis) of the whole API, bounded: every operation is called with
valid and invalid input generated from /api/v1/schema/, as a read-write HQ token. No answer may be a
5xx, every status and body must be the documented one, and every error body has the error shape.

Path ids are pointed at real records half of the time, so writes reach the services, not only 404s;
the directives' rows (a published directive with store copies in every state, a store-group draft) are
seeded like the others.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.incidents.models import IncidentPhoto
from apps.incidents.services import IncidentReport, incident_submit
from apps.organisation.models import Store
from tests.api.conftest import token_for
from tests.api.support import approval_for, make_exception, new_po, sync_purchase_orders
from tests.factories import make_network

MAX_EXAMPLES = 20


@pytest.fixture(autouse=True)
def _keep_test_connection():  # type: ignore[no-untyped-def]
    """Schemathesis calls the WSGI app directly, which closes the database connection at the end of
    each request (as Django does between real requests); inside a test transaction on PostgreSQL that
    would close the test's own connection. Django's test client detaches the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db: None, odoo, odoo_server) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Records of every kind in the network, and a read-write token of the HQ executive."""
    network = make_network()
    order = new_po(odoo_server, warehouse_id=2)
    sync_purchase_orders(odoo)
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from apps.incidents.photos import photo_clean

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 200, 10)).save(out, format="JPEG")
    incident = incident_submit(user=network.manager_a, report=IncidentReport(
        store=network.store_a, title="Freezer aisle 4 warm", category="refrigeration", urgency="high",
        photos=[photo_clean(SimpleUploadedFile("p.jpg", out.getvalue(), "image/jpeg"))]))
    exception = make_exception(network.store_a)
    directive = _directive_rows(network)
    return {"token": token_for(network.hq), "ids": {
        "approvals": approval_for(order).pk, "incidents": incident.pk, "exceptions": exception.pk,
        "stores": network.store_a.pk, "regions": network.north.pk, "audit": 1, "directives": directive.pk,
        "copies": list(directive.copies.order_by("store__code").values_list("pk", flat=True)),
        "items": list(directive.items.values_list("pk", flat=True)),
        "photo": str(IncidentPhoto.objects.get(incident=incident).pk)}, "stores": list(Store.objects.values_list(
            "pk", flat=True))}


def _directive_rows(network: Any) -> Any:
    """A published directive in every state a store's copy can be in: answered and submitted (N01), half
    answered (N02), one item returned (S01), not started (S02); plus a draft targeting a store group."""
    from apps.directives.models import ItemKind, TargetMode
    from apps.directives.services import DirectiveDraft, ItemSpec, directive_create, directive_publish
    from apps.directives.services.checklists import Answer, copy_submit, item_answer, item_review
    from apps.organisation.models import StoreGroup
    from tests.directives.conftest import tomorrow

    items = [ItemSpec("End-cap built", ItemKind.YES_NO), ItemSpec("Facings counted", ItemKind.NUMBER),
             ItemSpec("Shelf note", ItemKind.TEXT)]
    directive = directive_publish(directive=directive_create(author=network.hq, draft=DirectiveDraft(
        title="Spring promotion readiness", due_on=tomorrow(), items=items)), actor=network.hq)
    answers = {ItemKind.YES_NO: "yes", ItemKind.NUMBER: "12", ItemKind.TEXT: "done"}
    copies = {c.store.code: c for c in directive.copies.select_related("store", "directive")}
    for code, user, count in (("N01", network.manager_a, 3), ("N02", network.regional_north, 1),
                              ("S01", network.manager_c, 3)):
        for item in list(directive.items.all())[:count]:
            item_answer(copy=copies[code], item=item, actor=user, answer=Answer(value=answers[item.kind]))
    copy_submit(copy=copies["N01"], actor=network.manager_a)
    copy_submit(copy=copies["S01"], actor=network.manager_c)
    item_review(copy=copies["S01"], item=directive.items.first(), actor=network.regional_south, approve=False,
                comment="label wrong, redo")
    group = StoreGroup.objects.create(name="Flagships")
    group.stores.set([network.store_a, network.store_c])
    directive_create(author=network.hq, draft=DirectiveDraft(title="Flagship window", due_on=tomorrow(),
                                                             items=items[:1], target_mode=TargetMode.GROUPS,
                                                             groups=[group]))
    return directive


def _load_schema() -> Any:
    """Loaded at import (pytest-django has set Django up by then; serving the schema needs no database).
    `schemathesis.pytest.from_fixture` would be lazier but does not work with pytest 9."""
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


schema = _load_schema()


def error_body_is_well_formed(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx answer is {"error": {"code": str, "message": str, "fields": dict}} and nothing else."""
    if response.status_code < 400:
        return None
    body = json.loads(response.content)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str), error
    assert error["code"], error
    assert isinstance(error["message"], str), error
    assert error["message"], error
    assert isinstance(error["fields"], dict), error
    return True


def _point_at_real_records(case: Any, world: dict[str, Any]) -> None:
    params = case.path_parameters or {}
    resource = case.path.strip("/").split("/")[2] if case.path.count("/") > 3 else ""
    if "id" in params and isinstance(params["id"], int) and params["id"] % 2 == 0:
        params["id"] = world["ids"].get(resource, params["id"])
    for name, resource in (("copy_id", "copies"), ("item_id", "items")):  # the seeded directive's rows
        if isinstance(params.get(name), int) and params[name] % 2 == 0:
            rows = world["ids"][resource]
            params[name] = rows[params[name] // 2 % len(rows)]
    if "photo_id" in params and len(str(params["photo_id"])) % 2 == 0:
        params["photo_id"] = world["ids"]["photo"]
    body = case.body if isinstance(case.body, dict) else None
    if body is not None and isinstance(body.get("store"), int) and body["store"] % 2 == 0:
        body["store"] = world["stores"][0]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_it_answers_fuzzed_calls_with_documented_statuses_and_error_bodies(case: Any, world: dict[str, Any]) -> None:
    _point_at_real_records(case, world)
    response = case.call(headers={"Authorization": f"Bearer {world['token']}"})
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance, error_body_is_well_formed])
