"""The readiness summary: built from the figures only, each sentence beside its figures, logged."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from apps.directives.models import CopyStatus, ItemKind, ReadinessSummary, StoreDirective
from apps.directives.selectors import readiness
from apps.directives.services.checklists import Answer, copy_approve_all, item_answer
from apps.directives.summary import readiness_summary
from tests.directives.conftest import complete, copy_of, publish
from tests.factories import Network

pytestmark = pytest.mark.django_db


def test_it_says_what_the_figures_say_and_logs_it(network: Network) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    for days in (3, 2):  # two earlier directives that S02 finished late (never approved)
        publish(network.hq, due_on=timezone.localdate() - timedelta(days=days), due_time=time(9, 0))
    directive = publish(network.hq, due_on=yesterday, due_time=time(9, 0))
    done = complete(copy_of(directive, network.store_a), network.manager_a)
    copy_approve_all(copy=done, actor=network.regional_north)
    complete(copy_of(directive, network.store_c), network.manager_c)  # in review
    b = copy_of(directive, network.store_b)
    item_answer(copy=b, item=directive.items.get(kind=ItemKind.YES_NO), actor=network.regional_north,
                answer=Answer(value="yes"))
    figures = readiness(network.hq, directive)
    assert (figures.stores, figures.done, figures.in_review, figures.overdue, figures.not_started) == (4, 1, 1, 2, 1)
    assert [row.copy.store.code for row in figures.rows] == ["S02", "N02", "S01", "N01"]  # worst first
    said, log = readiness_summary(figures, viewer=network.hq)
    text = [s.text for s in said]
    assert text[0] == "1 of 4 stores ready (25 %)."
    assert "1 store waiting for the region's review." in text
    assert "2 missing “Facings counted” (N02, S02)." in text
    assert "2 stores past the due time (S02, N02)." in text
    assert "1 store was late on the last two directives and is not started now (S02)." in text
    assert text[-1].startswith("0 of 1 finished on time; median time to complete ")  # submitted after the due time
    assert said[0].figures == {"ready": 1, "stores": 4}
    assert log.text == " ".join(text)
    assert readiness_summary(figures)[1].pk == log.pk  # same figures: the logged text is reused
    assert ReadinessSummary.objects.count() == 1
    assert StoreDirective.objects.filter(status=CopyStatus.APPROVED).count() == 1  # it changed nothing


def test_a_regional_summary_counts_only_the_region(network: Network) -> None:
    directive = publish(network.hq)
    figures = readiness(network.regional_south, directive)
    said, _ = readiness_summary(figures)
    assert said[0].text == "0 of 2 stores ready (0 %)."
