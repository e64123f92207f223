"""Built-in feed definitions reach running portals: a newer version updates what operations did not
tune (recorded by the admin) and keeps what they did."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.sync import feeds
from apps.sync.feeds import BUILTIN_FEEDS, feeds_ensure
from apps.sync.models import Feed

pytestmark = pytest.mark.django_db
SLUG = "customer-refunds"


def definition(slug: str) -> dict[str, Any]:
    return next(d for d in BUILTIN_FEEDS if d["slug"] == slug)


@pytest.fixture
def next_version(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A later release's definition of the refunds feed: new fields and a larger batch domain."""
    upgraded = copy.deepcopy(BUILTIN_FEEDS)
    item = next(d for d in upgraded if d["slug"] == SLUG)
    item["version"] += 1
    item["fields"] = [*item["fields"], "create_uid"]
    item["name"] = "Customer refunds waiting to be posted"
    monkeypatch.setattr(feeds, "BUILTIN_FEEDS", upgraded)
    return item


def test_a_new_portal_gets_every_feed_at_its_version() -> None:
    feeds_ensure()
    assert {f.slug: f.builtin_version for f in Feed.objects.all()} == {d["slug"]: d["version"] for d in BUILTIN_FEEDS}
    assert feeds_ensure() == []  # nothing to upgrade twice


def test_an_upgrade_updates_untuned_fields_and_keeps_tuned_ones(next_version: dict[str, Any]) -> None:
    Feed.objects.all().delete()
    original = definition(SLUG)
    feed = Feed.objects.create(slug=SLUG, builtin_version=original["version"], tuned_fields=["name"],
                               **{k: original[k] for k in feeds.DEFINITION_FIELDS if k in original})
    feed.name = "Refunds (finance team)"
    feed.save()
    report = feeds_ensure()
    feed.refresh_from_db()
    assert feed.builtin_version == next_version["version"]
    assert "create_uid" in feed.fields  # not tuned: upgraded
    assert feed.name == "Refunds (finance team)"  # tuned in the admin: kept
    assert any(line.startswith(f"feed {SLUG} upgraded") and "kept operations' name" in line for line in report)


def test_a_row_older_than_versions_keeps_values_that_differ_from_the_previous_definition(
        next_version: dict[str, Any]) -> None:
    Feed.objects.all().delete()
    original = definition(SLUG)
    Feed.objects.create(slug=SLUG, builtin_version=0, batch_size=200,
                        **{k: original[k] for k in feeds.DEFINITION_FIELDS if k in original})
    next_version["previous"] = {"fields": original["fields"], "name": "Something operations typed"}
    feeds_ensure()
    feed = Feed.objects.get(slug=SLUG)
    assert "create_uid" in feed.fields  # equal to what the previous version defined: upgraded
    assert feed.name == original["name"]  # differs from the previous definition: someone changed it, kept


def test_the_admin_records_which_definition_fields_operations_tuned() -> None:
    feeds_ensure()
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.force_login(admin)
    feed = Feed.objects.get(slug=SLUG)
    page = client.get(f"/admin/sync/feed/{feed.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for key in ("base_domain", "domain", "fields", "settings"):
        data[key] = data[f"initial-{key}"] = json.dumps(getattr(feed, key))  # the browser posts both
    data["batch_size"] = 250
    data["name"] = "Refunds to post (tuned)"
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(f"/admin/sync/feed/{feed.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    feed.refresh_from_db()
    assert feed.name == "Refunds to post (tuned)"
    assert feed.tuned_fields == ["name"]  # batch_size is not part of the definition


def test_a_portal_from_before_versions_gets_the_corrected_definitions_unless_tuned() -> None:
    """Rows as the earlier release created them (no version): untouched ones take the new fields and
    settings; one whose settings operations changed keeps them."""
    from apps.sync.feed_history import BEFORE_VERSIONS

    Feed.objects.all().delete()
    for slug, before in BEFORE_VERSIONS.items():
        current = definition(slug)
        values = {k: current[k] for k in feeds.DEFINITION_FIELDS if k in current} | before
        Feed.objects.create(slug=slug, builtin_version=0, **values)
    tuned = Feed.objects.get(slug="purchase-orders")
    tuned.settings = {**tuned.settings, "amount_field": "amount_untaxed"}
    tuned.save()
    report = feeds_ensure()
    refunds = Feed.objects.get(slug="customer-refunds")
    assert refunds.fields == definition("customer-refunds")["fields"]
    assert refunds.settings == definition("customer-refunds")["settings"]
    orders = Feed.objects.get(slug="purchase-orders")
    assert orders.settings["amount_field"] == "amount_untaxed"  # operations' change kept
    assert orders.fields == definition("purchase-orders")["fields"]  # untouched: upgraded
    assert any("purchase-orders" in line and "kept operations' settings" in line for line in report)


def test_an_untuned_incident_task_feed_is_narrowed_to_the_incidents_project() -> None:
    """Version 3 reads the incidents project's tasks, tagged or not, instead of every tagged task."""
    from apps.incidents import conf as incident_conf
    from apps.integration.conf import STORE_FIELD

    Feed.objects.all().delete()
    current = definition("incident-tasks")
    assert current["version"] == 3
    values = {k: current[k] for k in feeds.DEFINITION_FIELDS if k in current}
    Feed.objects.create(slug="incident-tasks", builtin_version=2,
                        **{**values, "base_domain": [[STORE_FIELD, "!=", False]]})
    report = feeds_ensure()
    feed = Feed.objects.get(slug="incident-tasks")
    assert feed.base_domain == [["project_id.name", "=", incident_conf.TASK_PROJECT]]
    assert any(line.startswith("feed incident-tasks upgraded to definition 3: updated base_domain") for line in report)
