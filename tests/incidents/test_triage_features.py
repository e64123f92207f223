"""The triage model scores a batch of titles with features counted word by word: the same
probabilities as scikit-learn's own pipeline, bit for bit, and the same category choice."""

from __future__ import annotations

import numpy as np

from apps.incidents.projector import OTHER_CATEGORIES
from apps.incidents.triage import classifier, features

TITLES = [
    "Freezer alarm in aisle 4", "freezer ALARM in aisle 4", "Broken glass door at entrance", "Spill near checkout 12",
    "Shoplifter seen at the tills", "shop lifter seen at tills", "Till not printing receipts at till 3",
    "Fromagerie: réfrigérateur en panne, déjà signalé", "Ängström-Kühlung ausgefallen", "a", "", "   ",
    "  spaced   out\ttabs\nand new lines  ", "I", "x" * 60, "Zzzqq wordz nobody trained on", "aisle aisle aisle",
    "Customer fell near produce; ambulance called!!", "CO2 leak?", "Leaking roof above bakery (again)",
]


def test_batch_features_give_the_pipelines_probabilities_bit_for_bit() -> None:
    model = classifier.model_get()
    titles = TITLES * 3 + [f"Trolley bay damaged outside {i}" for i in range(40)]
    expected = model.category.predict_proba(titles)
    assert np.array_equal(features.pipeline_proba(model.category, titles), expected)
    assert np.array_equal(features.pipeline_proba(model.category, titles), expected)  # from the word memo


def test_the_memo_starts_over_past_its_bound(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    model = classifier.model_get()
    monkeypatch.setattr(features, "MEMO_WORDS", 5)
    expected = model.category.predict_proba(TITLES)
    for _ in range(2):
        assert np.array_equal(features.pipeline_proba(model.category, TITLES), expected)
    chars = model.category.named_steps["features"].transformer_list[1][1]
    assert len(features._WORDS[chars]) <= 5 + len(" ".join(TITLES).split())


def test_categorize_picks_the_most_likely_allowed_category() -> None:
    model = classifier.model_get()
    classes = list(model.category.classes_)
    expected = []
    for probs in model.category.predict_proba(TITLES):
        best = max((i for i, label in enumerate(classes) if label in OTHER_CATEGORIES), key=lambda i: probs[i])
        expected.append((classes[best], float(probs[best])))
    assert model.categorize(TITLES, categories=OTHER_CATEGORIES) == expected
    assert model.categorize([]) == []
