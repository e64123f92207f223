"""Pages and fragments per role: a store sees only its own copy, a region only its stores, and every
action re-checks the right; bad input is a clear 4xx and changes nothing."""

from __future__ import annotations

import zoneinfo as zone
from datetime import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.directives.models import CopyStatus, Directive, DirectiveStatus, ItemAnswer, ItemKind
from tests.directives.conftest import client_for, complete, copy_of, publish, tomorrow
from tests.factories import Network
from tests.incidents.conftest import photo_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def directive(network: Network) -> Directive:
    return publish(network.hq, due_on=timezone.localdate(), due_time=time(23, 59))


def test_anonymous_people_are_sent_to_sign_in_from_every_door(network: Network, directive: Directive) -> None:
    copy = copy_of(directive, network.store_a)
    for url in (reverse("directives:list"), reverse("directives:copy", args=[copy.pk]),
                reverse("directives:copy_panel", args=[copy.pk]), reverse("directives:due_today"),
                reverse("directives:readiness_panel"), reverse("directives:detail", args=[directive.pk])):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]


def test_a_store_sees_only_its_own_copy(network: Network, directive: Directive) -> None:
    client = client_for(network.manager_a)
    own, other = copy_of(directive, network.store_a), copy_of(directive, network.store_c)
    page = client.get(reverse("directives:copy", args=[own.pk]))
    assert page.status_code == 200
    assert "0 of 3" in page.content.decode()
    assert "Approve" not in page.content.decode()  # a store does not review itself
    for name in ("directives:copy", "directives:copy_panel"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    item = directive.items.first()
    assert item is not None
    refused = client.post(reverse("directives:answer", args=[other.pk, item.pk]), {"value": "yes"})
    assert refused.status_code == 404
    assert not ItemAnswer.objects.exists()
    due = client.get(reverse("directives:due_today")).content.decode()
    assert "N01" in due
    assert "S01" not in due
    # The HQ readiness of the whole directive is not the store's to read.
    detail = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert "S01" not in detail


def test_a_regional_manager_sees_and_reviews_only_their_region(network: Network, directive: Directive) -> None:
    client = client_for(network.regional_north)
    complete(copy_of(directive, network.store_a), network.manager_a)
    complete(copy_of(directive, network.store_c), network.manager_c)
    own, other = copy_of(directive, network.store_a), copy_of(directive, network.store_c)
    page = client.get(reverse("directives:copy", args=[own.pk])).content.decode()
    assert "Approve every waiting item" in page
    assert client.get(reverse("directives:copy", args=[other.pk])).status_code == 404
    detail = client.get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert "N01" in detail
    assert "S01" not in detail
    grid = client.get(reverse("directives:review", args=[directive.pk])).content.decode()
    assert reverse("directives:photo", args=[own.answers.get(item__kind=ItemKind.PHOTO).photo_key]) in grid
    assert "S01" not in grid
    photo_c = other.answers.get(item__kind=ItemKind.PHOTO)
    assert client.get(reverse("directives:photo", args=[photo_c.photo_key])).status_code == 404
    assert client.get(reverse("directives:readiness_panel") + "?region=SOUTH").status_code == 403
    item = directive.items.first()
    assert item is not None
    assert client.post(reverse("directives:review_item", args=[other.pk, item.pk]),
                       {"decision": "approve"}).status_code == 404


def test_a_store_answers_with_big_buttons_and_a_photo_then_submits(network: Network, directive: Directive) -> None:
    client = client_for(network.manager_a)
    copy = copy_of(directive, network.store_a)
    items = {item.kind: item for item in directive.items.all()}
    assert client.post(reverse("directives:answer", args=[copy.pk, items[ItemKind.YES_NO].pk]),
                       {"value": "yes"}).status_code == 302
    bad = client.post(reverse("directives:answer", args=[copy.pk, items[ItemKind.NUMBER].pk]), {"value": "twelve"},
                      HTTP_HX_REQUEST="true")
    assert bad.status_code == 400
    assert "Enter a number" in bad.content.decode()
    not_photo = client.post(reverse("directives:answer", args=[copy.pk, items[ItemKind.PHOTO].pk]),
                            {"photo": upload("endcap.jpg", b"not an image at all", "image/jpeg")})
    assert not_photo.status_code == 400
    assert "not a JPEG, PNG or WebP photo" in not_photo.content.decode()
    assert ItemAnswer.objects.filter(copy=copy).count() == 1
    client.post(reverse("directives:answer", args=[copy.pk, items[ItemKind.NUMBER].pk]), {"value": "12"})
    photo = client.post(reverse("directives:answer", args=[copy.pk, items[ItemKind.PHOTO].pk]),
                        {"photo": upload("endcap.jpg", photo_bytes(size=(80, 60))), "note": "aisle 3"},
                        HTTP_HX_REQUEST="true")
    assert photo.status_code == 200
    assert "3 of 3" in photo.content.decode()
    answer = ItemAnswer.objects.get(copy=copy, item=items[ItemKind.PHOTO])
    served = client.get(reverse("directives:photo", args=[answer.photo_key]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert client.post(reverse("directives:review_item", args=[copy.pk, items[ItemKind.YES_NO].pk]),
                       {"decision": "approve"}).status_code == 403  # a store never reviews its own work
    assert client.post(reverse("directives:submit", args=[copy.pk])).status_code == 302
    copy.refresh_from_db()
    assert copy.status == CopyStatus.IN_REVIEW


def test_a_store_cannot_review_its_own_checklist(network: Network, directive: Directive) -> None:
    copy = complete(copy_of(directive, network.store_a), network.manager_a)
    item = directive.items.first()
    assert item is not None
    response = client_for(network.manager_a).post(reverse("directives:review_item", args=[copy.pk, item.pk]),
                                                   {"decision": "approve"})
    assert response.status_code == 403
    assert copy.answers.filter(review_status="approved").count() == 0


def test_returning_needs_a_comment_and_the_store_sees_it(network: Network, directive: Directive) -> None:
    copy = complete(copy_of(directive, network.store_a), network.manager_a)
    item = directive.items.get(kind=ItemKind.PHOTO)
    region = client_for(network.regional_north)
    silent = region.post(reverse("directives:review_item", args=[copy.pk, item.pk]), {"decision": "return"})
    assert silent.status_code == 400
    assert "Say what to redo" in silent.content.decode()
    region.post(reverse("directives:review_item", args=[copy.pk, item.pk]),
                {"decision": "return", "comment": "Label wrong, redo"})
    page = client_for(network.manager_a).get(reverse("directives:copy_panel", args=[copy.pk])).content.decode()
    assert "Returned: Label wrong, redo" in page
    copy.refresh_from_db()
    assert copy.status == CopyStatus.RETURNED


def test_hq_drafts_and_publishes_from_the_form_and_a_store_cannot(network: Network) -> None:
    form = {"title": "Price change rollout", "instructions": "<p>Swap the labels</p><script>x</script>",
            "due_on": tomorrow().isoformat(), "due_time": "10:00", "target_mode": "regions",
            "regions": [network.south.pk], "item_label": ["Labels swapped", "Photo of the shelf", ""],
            "item_kind": ["yes_no", "photo", "yes_no"]}
    assert client_for(network.manager_a).post(reverse("directives:new"), form).status_code == 403
    hq = client_for(network.hq)
    created = hq.post(reverse("directives:new"), form)
    assert created.status_code == 302
    directive = Directive.objects.get(title="Price change rollout")
    assert directive.status == DirectiveStatus.DRAFT
    assert "<script>" not in directive.instructions
    assert list(directive.items.values_list("label", flat=True)) == ["Labels swapped", "Photo of the shelf"]
    assert hq.post(reverse("directives:publish", args=[directive.pk])).status_code == 302
    assert set(directive.copies.values_list("store__code", flat=True)) == {"S01", "S02"}
    assert hq.post(reverse("directives:publish", args=[directive.pk])).status_code == 409
    empty = hq.post(reverse("directives:new"), {**form, "item_label": [""], "title": "Nothing"})
    assert empty.status_code == 400
    assert "Add at least one checklist item" in empty.content.decode()


def test_the_readiness_panel_and_export_put_the_worst_stores_first(network: Network, directive: Directive) -> None:
    copy = complete(copy_of(directive, network.store_b), network.regional_north)  # N02 has no store manager
    from apps.directives.services.checklists import copy_approve_all

    copy_approve_all(copy=copy, actor=network.regional_north)
    hq = client_for(network.hq)
    panel = hq.get(reverse("directives:readiness_panel")).content.decode()
    assert "Directives: readiness for" in panel
    assert "25 %" in panel
    csv = hq.get(reverse("directives:export", args=[directive.pk])).content.decode().splitlines()
    assert csv[0].startswith("store,region,status")
    assert csv[-1].startswith("N02,")  # the one store done comes last
    region = client_for(network.regional_north).get(reverse("directives:readiness_panel") + "?region=NORTH")
    assert "50 %" in region.content.decode()
    assert client_for(network.nobody).get(reverse("directives:readiness_panel")).status_code == 403


def test_an_author_attaches_a_planogram_and_only_people_in_scope_open_it(network: Network) -> None:
    directive = publish(network.regional_north, owner_region=network.north)
    pdf = upload("planogram.pdf", b"%PDF-1.4 planogram", "application/pdf")
    assert client_for(network.regional_south).post(reverse("directives:attach", args=[directive.pk]),
                                                   {"attachments": [pdf]}).status_code == 404
    fake = upload("planogram.pdf", b"MZ not a pdf", "application/pdf")
    refused = client_for(network.regional_north).post(reverse("directives:attach", args=[directive.pk]),
                                                      {"attachments": [fake]})
    assert refused.status_code == 400
    assert "not a PDF, JPEG or PNG" in refused.content.decode()
    pdf = upload("planogram.pdf", b"%PDF-1.4 planogram", "application/pdf")
    assert client_for(network.regional_north).post(reverse("directives:attach", args=[directive.pk]),
                                                   {"attachments": [pdf]}).status_code == 302
    attachment = directive.attachments.get()
    url = reverse("directives:attachment", args=[attachment.pk])
    served = client_for(network.manager_a).get(url)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert client_for(network.manager_c).get(url).status_code == 404


def test_the_readiness_panel_costs_the_same_queries_for_more_stores(network: Network) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_store

    hq = client_for(network.hq)

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert hq.get(reverse("directives:readiness_panel")).status_code == 200
        return len(seen.captured_queries)

    publish(network.hq)
    few = queries()
    for number in range(12):
        make_store(network.south, f"X{number:02d}", 100 + number)
    directive = publish(network.hq, title="Later, to more stores", due_on=timezone.localdate())
    complete(copy_of(directive, network.store_a), network.manager_a)
    assert queries() == few


def test_due_times_show_on_the_store_s_clock_beside_the_reader_s(network: Network) -> None:
    """A store in another zone: its copy says when it is due in the reader's zone and on the store's
    clock; the directive's readiness rows too."""
    from apps.organisation.models import Store

    Store.objects.filter(pk=network.store_a.pk).update(timezone="America/New_York")
    directive = publish(network.hq, due_on=timezone.localdate(), due_time=time(23, 59))
    copy = copy_of(directive, network.store_a)
    page = client_for(network.hq).get(reverse("directives:copy", args=[copy.pk])).content.decode()
    store_clock = timezone.localtime(copy.due_at, zone.ZoneInfo("America/New_York")).strftime("%H:%M")
    assert f"{store_clock} store time)" in page
    same_zone = copy_of(directive, network.store_c)
    other = client_for(network.hq).get(reverse("directives:copy", args=[same_zone.pk])).content.decode()
    assert "store time" not in other  # the store's clock reads as the reader's: said once
    detail = client_for(network.hq).get(reverse("directives:detail", args=[directive.pk])).content.decode()
    assert f"{store_clock} store time)" in detail
