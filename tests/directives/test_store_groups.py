"""Store groups as directive targets: the service reaches the group's stores when published, a regional
manager may only name groups inside their region (refused with the stores named, on the page and in the
API with a 400), and the form offers a region's author only the groups it touches."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from apps.directives.forms import DirectiveForm
from apps.directives.models import Directive, DirectiveTemplate, TargetMode
from apps.directives.services import directive_create, directive_publish, templates_run
from apps.organisation.models import StoreGroup
from tests.api.conftest import bearer, error_of, token_for
from tests.directives.conftest import client_for, draft, publish, tomorrow
from tests.factories import Network

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(network: Network) -> dict[str, StoreGroup]:
    flagships = StoreGroup.objects.create(name="Flagships")
    flagships.stores.set([network.store_a, network.store_c])  # one per region
    airports = StoreGroup.objects.create(name="Airport stores")
    airports.stores.set([network.store_b])  # North only
    south_only = StoreGroup.objects.create(name="Seaside")
    south_only.stores.set([network.store_d])
    return {"flagships": flagships, "airports": airports, "seaside": south_only}


def codes(directive: Directive) -> list[str]:
    return sorted(directive.copies.values_list("store__code", flat=True))


def test_hq_targets_groups_across_regions_each_store_once(network: Network, groups: dict[str, StoreGroup]) -> None:
    directive = publish(network.hq, target_mode=TargetMode.GROUPS, groups=[groups["flagships"], groups["airports"]])
    assert codes(directive) == ["N01", "N02", "S01"]
    groups["flagships"].stores.add(network.store_b)  # a store in two groups still gets one copy
    again = publish(network.hq, target_mode=TargetMode.GROUPS, groups=[groups["flagships"], groups["airports"]])
    assert codes(again) == ["N01", "N02", "S01"]
    assert again.snapshot()["groups"] == ["Airport stores", "Flagships"]


def test_members_are_read_when_published(network: Network, groups: dict[str, StoreGroup]) -> None:
    drafted = directive_create(author=network.hq, draft=draft(target_mode=TargetMode.GROUPS,
                                                              groups=[groups["airports"]]))
    groups["airports"].stores.add(network.store_d)
    assert codes(directive_publish(directive=drafted, actor=network.hq)) == ["N02", "S02"]


def test_a_group_mode_needs_a_group(network: Network) -> None:
    with pytest.raises(ValidationError, match="at least one store group"):
        directive_create(author=network.hq, draft=draft(target_mode=TargetMode.GROUPS))


def test_a_regional_manager_targets_only_groups_inside_the_region(network: Network,
                                                                  groups: dict[str, StoreGroup]) -> None:
    mine = publish(network.regional_north, owner_region=network.north, target_mode=TargetMode.GROUPS,
                   groups=[groups["airports"]])
    assert codes(mine) == ["N02"]
    with pytest.raises(ValidationError) as refused:
        directive_create(author=network.regional_north, draft=draft(
            owner_region=network.north, target_mode=TargetMode.GROUPS, groups=[groups["flagships"]]))
    [message] = refused.value.message_dict["target_mode"]
    assert message.startswith("Store group “Flagships” has stores outside North (S01)")
    assert "own region only" in message
    assert not Directive.objects.filter(owner_region=network.north, target_mode=TargetMode.GROUPS).exclude(
        pk=mine.pk).exists()


def test_a_stale_group_never_takes_a_regional_directive_out_of_its_region(
        network: Network, groups: dict[str, StoreGroup]) -> None:
    drafted = directive_create(author=network.regional_north, draft=draft(
        owner_region=network.north, target_mode=TargetMode.GROUPS, groups=[groups["airports"]]))
    groups["airports"].stores.add(network.store_c)  # changed in the admin after drafting
    assert codes(directive_publish(directive=drafted, actor=network.regional_north)) == ["N02"]


def test_templates_carry_their_groups(network: Network, groups: dict[str, StoreGroup]) -> None:
    template = DirectiveTemplate.objects.create(name="Airport opening", title="Airport opening",
                                                items=[{"label": "Doors open"}], target_mode=TargetMode.GROUPS)
    template.target_groups.set([groups["airports"]])
    [made] = templates_run()
    assert codes(made) == ["N02"]


def test_the_form_offers_a_region_only_the_groups_it_touches(network: Network,
                                                              groups: dict[str, StoreGroup]) -> None:
    north = DirectiveForm(owner_region=network.north)
    assert sorted(g.name for g in north.fields["groups"].queryset) == ["Airport stores", "Flagships"]
    network_wide = DirectiveForm(owner_region=None)
    assert network_wide.fields["groups"].queryset.count() == 3


def _page_post(client: Client, group: StoreGroup, owner: str = "") -> Any:
    return client.post("/directives/new/" + (f"?region={owner}" if owner else ""), {
        "title": "Airport promo", "due_on": tomorrow().isoformat(), "due_time": "09:00", "target_mode": "groups",
        "groups": [group.pk], "item_label": ["Stand built"], "item_kind": ["yes_no"],
        **({"owner_region": owner} if owner else {})})


def test_the_page_refuses_a_mixed_group_for_a_region_with_a_400(network: Network,
                                                                 groups: dict[str, StoreGroup]) -> None:
    refused = _page_post(client_for(network.regional_north), groups["flagships"], "NORTH")
    assert refused.status_code == 400
    assert "Store group “Flagships” has stores outside North (S01)" in refused.content.decode()
    outside = _page_post(client_for(network.regional_north), groups["seaside"], "NORTH")
    assert outside.status_code == 400  # not even offered
    made = _page_post(client_for(network.regional_north), groups["airports"], "NORTH")
    assert made.status_code == 302
    assert Directive.objects.get(title="Airport promo").target_groups.get() == groups["airports"]
    assert _page_post(client_for(network.manager_a), groups["airports"]).status_code == 403
    assert _page_post(Client(), groups["airports"]).status_code == 302  # to the sign-in


def _api_body(**changes: Any) -> dict[str, Any]:
    return {"title": "Airport promo", "due_on": tomorrow().isoformat(), "target_mode": "groups",
            "groups": ["Airport stores"], "items": [{"label": "Stand built"}], **changes}


def test_the_api_drafts_a_group_directive_and_refuses_groups_outside_the_region(
        network: Network, groups: dict[str, StoreGroup]) -> None:
    hq = bearer(token_for(network.hq))
    made = hq.post("/api/v1/directives/", _api_body(groups=["Flagships", "Airport stores"]),
                   content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["target_mode"] == "groups"
    assert made.json()["groups"] == ["Airport stores", "Flagships"]
    assert made.json()["status"] == "draft"

    north = bearer(token_for(network.regional_north))
    mixed = north.post("/api/v1/directives/", _api_body(owner_region="NORTH", groups=["Flagships"]),
                       content_type="application/json")
    assert mixed.status_code == 400
    assert "Store group “Flagships” has stores outside North (S01)" in error_of(mixed)["fields"]["target_mode"][0]
    outside = north.post("/api/v1/directives/", _api_body(owner_region="NORTH", groups=["Seaside"]),
                         content_type="application/json")
    assert outside.status_code == 400
    assert error_of(outside)["fields"]["groups"] == ["Not one you may target from North: Seaside."]
    ok = north.post("/api/v1/directives/", _api_body(owner_region="NORTH"), content_type="application/json")
    assert ok.status_code == 201, ok.content

    assert north.post("/api/v1/directives/", _api_body(), content_type="application/json").status_code == 403
    assert north.post("/api/v1/directives/", _api_body(owner_region="SOUTH"),
                      content_type="application/json").status_code == 403
    store = bearer(token_for(network.manager_a))
    assert store.post("/api/v1/directives/", _api_body(), content_type="application/json").status_code == 403
    assert Client().post("/api/v1/directives/", _api_body(), content_type="application/json").status_code == 401
    limited = bearer(token_for(network.regional_north, stores=[network.store_b]))
    assert limited.post("/api/v1/directives/", _api_body(owner_region="NORTH"),
                        content_type="application/json").status_code == 403
    assert Directive.objects.filter(title="Airport promo").count() == 2


def test_the_api_checks_the_other_modes_with_the_same_rules(network: Network) -> None:
    north = bearer(token_for(network.regional_north))
    foreign = north.post("/api/v1/directives/", _api_body(owner_region="NORTH", target_mode="stores",
                                                          stores=["S01"], groups=[]),
                         content_type="application/json")
    assert foreign.status_code == 400
    assert error_of(foreign)["fields"]["stores"] == ["Not one you may target from North: S01."]
    listed = north.post("/api/v1/directives/", _api_body(owner_region="NORTH", target_mode="stores",
                                                         stores=["N01"], groups=[]),
                        content_type="application/json")
    assert listed.status_code == 201, listed.content
    assert listed.json()["stores"] == ["N01"]
    empty = north.post("/api/v1/directives/", _api_body(owner_region="NORTH", groups=[]),
                       content_type="application/json")
    assert empty.status_code == 400
    assert "at least one store group" in error_of(empty)["fields"]["target_mode"][0]


def test_the_demo_seeds_a_network_group_and_one_inside_north() -> None:
    from apps.organisation.demo import demo_network_seed

    for _ in range(2):  # safe to run again
        demo_network_seed(password_for=lambda username: "demo-pass-123")
    groups = {g.name: sorted(g.stores.values_list("code", flat=True)) for g in StoreGroup.objects.all()}
    assert groups == {"Flagships": ["N01", "S01", "W01"], "Harbour stores": ["N03", "N06"]}
